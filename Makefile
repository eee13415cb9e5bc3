.PHONY: run test bench lint

run:
	bash scripts/run.sh

test:
	bash scripts/test.sh

lint:
	.venv/bin/ruff check . && .venv/bin/ruff format --check .

bench:
	for f in bench/bench_*.py; do .venv/bin/python $$f || exit 1; done
