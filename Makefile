.PHONY: run test build pack setup help bench

help:
	@echo "make run    - set up, build, route data/sample-leads.jsonl with explanations"
	@echo "make test   - fmt, clippy, cargo test, wasm-pack test (node+chrome), build, node tests"
	@echo "make build  - build the npm package into pkg/ (full and route modules, web + node each)"
	@echo "make pack   - build, then pack pkg/ into leadroute-<version>.tgz (npm install ./leadroute-<version>.tgz)"
	@echo "make setup  - install whatever is missing (idempotent, fast when ready)"
	@echo "make bench  - every benchmark, one table of targets vs measured (QUICK=1 for a short run)"

run:
	bash scripts/run.sh

test:
	bash scripts/test.sh

build:
	bash scripts/build.sh

pack:
	bash scripts/pack.sh

setup:
	bash scripts/setup.sh

bench:
	bash scripts/bench.sh $(if $(QUICK),--quick)
