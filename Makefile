.PHONY: run test build setup help

help:
	@echo "make run    - set up, build, route data/sample-leads.jsonl with explanations"
	@echo "make test   - fmt, clippy, cargo test, wasm-pack test (node+chrome), build, node tests"
	@echo "make build  - build the npm package into pkg/ (web, node, bundler)"
	@echo "make setup  - install whatever is missing (idempotent, fast when ready)"

run:
	bash scripts/run.sh

test:
	bash scripts/test.sh

build:
	bash scripts/build.sh

setup:
	bash scripts/setup.sh
