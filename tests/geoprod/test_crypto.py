from __future__ import annotations

import pytest
from cryptography.fernet import Fernet

from geoprod import crypto


def test_round_trip_and_ciphertext_hides_the_secret():
    token = crypto.encrypt("Mot-de-passe-Chorus!")
    assert "Mot-de-passe" not in token
    assert crypto.decrypt(token) == "Mot-de-passe-Chorus!"


def test_empty_secret_stays_empty():
    assert crypto.encrypt("") == "" and crypto.decrypt("") == ""


def test_rotation_old_key_still_decrypts(settings):
    old = Fernet.generate_key().decode()
    settings.FERNET_KEYS = [old]
    token = crypto.encrypt("secret")
    settings.FERNET_KEYS = [Fernet.generate_key().decode(), old]
    assert crypto.decrypt(token) == "secret"


def test_unknown_key_gives_a_clear_error(settings):
    token = crypto.encrypt("secret")
    settings.FERNET_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(ValueError, match="clé de chiffrement"):
        crypto.decrypt(token)
