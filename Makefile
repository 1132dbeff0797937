# Convenience aliases; the README's Quick start commands work without make.
.PHONY: run test setup bench sample clean dist dist-transcribe dist-all
run:
	bash packaging/bootstrap.sh run
test:
	bash packaging/bootstrap.sh test
setup:
	bash packaging/bootstrap.sh setup test
bench:
	for b in benchmarks/bench_*.py; do .venv/bin/python $$b || exit 1; done
sample:
	python3 packaging/make_sample.py --all
dist:
	bash packaging/build.sh
dist-transcribe:
	bash packaging/build.sh --variant transcribe
dist-all:
	bash packaging/build.sh --variant all
clean:
	rm -rf .venv .pytest_cache .mypy_cache .ruff_cache build *.egg-info
