# NHF Playground. `make web` serves the app; `make test` runs every check.
# Both install what is missing first (scripts/install-tools.sh is idempotent).
SHELL := /bin/bash
export PATH := $(HOME)/.cargo/bin:$(CURDIR)/web/node_modules/.bin:$(PATH)

.PHONY: all web web-build test tools tools-web fmt lint unit wasm e2e native-test run bench

all: test

tools:
	scripts/install-tools.sh test

tools-web:
	scripts/install-tools.sh web

## The release web site in dist/.
web-build: tools-web
	trunk build --release

## Build and serve on http://127.0.0.1:8080
web: web-build
	@echo "Serving NHF Playground on http://127.0.0.1:8080 (Ctrl-C to stop)"
	trunk serve --release --no-autoreload

## The desktop app.
run:
	cargo run --release

fmt:
	cargo fmt --check

lint:
	cargo clippy --workspace --all-targets -- -D warnings
	cargo clippy --workspace --lib --target wasm32-unknown-unknown -- -D warnings
	scripts/engine_boundary.sh

unit:
	cargo test --workspace

wasm:
	trunk build --release
	@scripts/wasm_size.sh

e2e:
	cd web && node e2e.mjs

native-test:
	cargo build --release
	scripts/native_window_test.sh target/release/nhf-playground
	scripts/research_smoke.sh target/release/nhf-playground

bench:
	cargo run --release -- bench

## Every check, timed.
test: tools
	@scripts/timed.sh fmt      $(MAKE) --no-print-directory fmt
	@scripts/timed.sh clippy   $(MAKE) --no-print-directory lint
	@scripts/timed.sh tests    $(MAKE) --no-print-directory unit
	@scripts/timed.sh wasm     $(MAKE) --no-print-directory wasm
	@scripts/timed.sh browser  $(MAKE) --no-print-directory e2e
	@scripts/timed.sh native   $(MAKE) --no-print-directory native-test
	@echo "make test: all checks passed"
