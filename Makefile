# tlshello — the greeting demo over GnuTLS.
#   make demo    release build, server and client on loopback, verification on
#   make test    the whole suite (installs missing Debian packages when run as root)
#   make interop the interop matrix against OpenSSL, GnuTLS, Python ssl and tlslite-ng (docs/interop.md)
#   make no-openssl  the .deb (make deb) installed with dpkg -i and run inside a cached Debian 12 minbase root without OpenSSL
#   make build   debug build
#   make certs   regenerate certs/diegoUcamCert.pem and certs/diegoUcamKey.pem
#   make sanitize  the suite under AddressSanitizer and ThreadSanitizer (SANITIZERS=address for one)
#   make bench   release builds, then tlshello against gnutls-serv, openssl s_server, the demo's server and swift-nio-ssl, and HelloHTTP on GnuTLS against NIOSSL under h2load (docs/benchmarks.md; BENCH_FLAGS=--quick for one round)
#   make profile the server's instructions per handshake under callgrind, split by kind (needs valgrind)

SWIFT ?= swift
RELEASE_BIN := .build/release/tlshello
DEBUG_BIN := .build/debug/tlshello
STATIC_BIN := .build-static/release/tlshello
INTEROP_VENV := .build-interop/venv
DEMO_SUBJECT := CN=diegoUcamCert,OU=Alumnos,O=Ucam,L=Murcia,ST=Murcia,C=ES
SANITIZERS ?= address thread

.PHONY: all deps test-deps build release static test demo interop no-openssl certs sanitize bench profile clean help

all: build

help:
	@sed -n 's/^#   /  /p' Makefile

deps:
	@scripts/ensure-packages.sh build

test-deps:
	@scripts/ensure-packages.sh test

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release --product tlshello

test: test-deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

sanitize: test-deps
	@for sanitizer in $(SANITIZERS); do \
	  echo "== swift test --sanitize=$$sanitizer =="; \
	  TLSHELLO_SANITIZER=$$sanitizer LSAN_OPTIONS=suppressions=$(CURDIR)/scripts/lsan-suppressions.txt \
	    $(SWIFT) test --sanitize=$$sanitizer --scratch-path .build-$$sanitizer || exit 1; \
	done

demo: release
	@scripts/demo.sh $(RELEASE_BIN)

# The Swift runtime linked in: the binary needs only glibc, libstdc++ and the system GnuTLS.
static: deps
	$(SWIFT) build -c release --product tlshello --static-swift-stdlib --scratch-path .build-static

interop: release
	@scripts/interop-peers.sh $(INTEROP_VENV) >/dev/null
	python3 interop/run-matrix.py --tlshello $(RELEASE_BIN) --tlslite-python $(INTEROP_VENV)/bin/python $(INTEROP_FLAGS)

bench: release
	@scripts/ensure-packages.sh test "iproute2:ip" "util-linux:unshare" "util-linux:nsenter" "valgrind:valgrind" "binutils:objcopy" "nghttp2-client:h2load"
	$(SWIFT) build -c release --package-path Benchmarks
	$(SWIFT) build -c release --package-path Examples/HelloHTTP --product hello-http
	python3 Benchmarks/profile-server.py --tlshello $(RELEASE_BIN) --seconds 3 --markdown docs/benchmarks-profile.md --json docs/benchmarks-profile.json >/dev/null
	python3 Benchmarks/run-bench.py --tlshello $(RELEASE_BIN) --benchmarks-bin Benchmarks/.build/release --hello-http $(HELLO_HTTP_BIN) --out docs/benchmarks.md --profile docs/benchmarks-profile.json $(BENCH_FLAGS)

profile: release
	@scripts/ensure-packages.sh build "valgrind:valgrind" "binutils:objcopy"
	python3 Benchmarks/profile-server.py --tlshello $(RELEASE_BIN)

no-openssl: deb
	@scripts/no-openssl.sh $(DEB_DIR)/tlshello_*.deb

certs: build
	$(DEBUG_BIN) cert --cert certs/diegoUcamCert.pem --key certs/diegoUcamKey.pem \
	  --subject '$(DEMO_SUBJECT)' --san localhost --san 127.0.0.1 --san ::1 \
	  --key-type rsa --bits 2048 --digest sha512 --days 10950 --force

clean:
	rm -rf .build .build-address .build-thread .build-static .build-interop Benchmarks/.build

# --- conformance (tlsfuzzer) -------------------------------------------------------------------
#   make conformance  tlsfuzzer's scripts against tlshello server (docs/conformance.md; TLSFUZZER_DIR, CONFORMANCE_FLAGS=--jobs 2)
TLSFUZZER_DIR ?= ../shared/vendor/tlsfuzzer
CONFORMANCE_VENV := .build-conformance/venv
CONFORMANCE_FLAGS ?=

.PHONY: conformance clean-conformance

conformance: release
	@scripts/conformance-venv.sh $(CONFORMANCE_VENV) >/dev/null
	python3 conformance/run.py --tlshello $(RELEASE_BIN) --python $(CONFORMANCE_VENV)/bin/python \
	  --tlsfuzzer $(TLSFUZZER_DIR) $(CONFORMANCE_FLAGS)

clean: clean-conformance
clean-conformance:
	rm -rf .build-conformance

# --- fuzzing (Fuzz/README.md) ---
#   make fuzz    each fuzz target under libFuzzer and AddressSanitizer for FUZZ_SECONDS (default 60) from Fuzz/Corpus
#   make fuzz-corpus  re-record the seed corpora in Fuzz/Corpus (one real exchange per version)
FUZZ_SECONDS ?= 60

.PHONY: fuzz fuzz-corpus clean-fuzz

fuzz: deps
	FUZZ_SECONDS=$(FUZZ_SECONDS) SWIFT=$(SWIFT) scripts/fuzz.sh

fuzz-corpus: deps
	$(SWIFT) run FuzzCorpusGenerator Fuzz/Corpus

clean: clean-fuzz
clean-fuzz:
	rm -rf .build-fuzz
# --- end of fuzzing ---

# --- examples (Examples/HelloHTTP) ---
#   make examples  build Examples/HelloHTTP's hello-http (release) and check it with curl (HTTP/2, HTTP/1.1) and nghttp, verification on, no OpenSSL or BoringSSL inside
HELLO_HTTP_BIN := Examples/HelloHTTP/.build/release/hello-http

.PHONY: examples clean-examples

examples: release
	@scripts/ensure-packages.sh test "curl:curl" "nghttp2-client:nghttp" "nghttp2-client:h2load" "binutils:nm"
	$(SWIFT) build -c release --package-path Examples/HelloHTTP --product hello-http
	scripts/examples.sh $(HELLO_HTTP_BIN) $(RELEASE_BIN)

clean: clean-examples
clean-examples:
	rm -rf Examples/HelloHTTP/.build
# --- end of examples ---

# --- OpenSSL backend (package trait OpenSSL) ---
#   make test-openssl  the OpenSSL backend's tests and the backend conformance suite on GnuTLS, OpenSSL, plaintext and the crossed pairs, built with --traits OpenSSL in .build-openssl (needs libssl-dev, a test dependency only); `make test` runs them too when libssl-dev is installed
OPENSSL_SCRATCH := .build-openssl
HAVE_LIBSSL_DEV := $(shell pkg-config --exists openssl 2>/dev/null && echo yes)

.PHONY: test-openssl clean-openssl

test-openssl: test-deps
	@scripts/ensure-packages.sh test "libssl-dev:"
	$(SWIFT) build --traits OpenSSL --build-tests --scratch-path $(OPENSSL_SCRATCH)
	$(SWIFT) test --traits OpenSSL --skip-build --scratch-path $(OPENSSL_SCRATCH) --filter 'OpenSSLBackendTests|CLIBackendTests|BackendConformance'

ifeq ($(HAVE_LIBSSL_DEV),yes)
test: test-openssl
endif

clean: clean-openssl
clean-openssl:
	rm -rf $(OPENSSL_SCRATCH)
# --- end of OpenSSL backend ---

# --- benchmark charts and progress ---
#   make bench-charts  draw docs/benchmarks.md's charts (SVG, matplotlib in .build-bench/venv) again from docs/benchmarks.json and embed them; `make bench` draws them at its end
#   make test-progress  the unit tests of scripts/progress.py, the progress line of make bench, conformance and fuzz (`make test` runs them)
BENCH_VENV := .build-bench/venv

.PHONY: bench-charts bench-venv test-progress clean-bench-charts

bench-venv:
	@scripts/bench-venv.sh $(BENCH_VENV) >/dev/null

bench: bench-venv

bench-charts: bench-venv
	$(BENCH_VENV)/bin/python Benchmarks/charts.py --json docs/benchmarks.json --out-dir docs
	python3 Benchmarks/run-bench.py --render docs/benchmarks.json --out docs/benchmarks.md >/dev/null

test-progress:
	python3 scripts/test_progress.py

test: test-progress

clean: clean-bench-charts
clean-bench-charts:
	rm -rf .build-bench
# --- end of benchmark charts and progress ---
# --- diagrams ---
#   make diagrams  the demo's exchange at TLS 1.3 and TLS 1.2 and a version mismatch, drawn by tlshello client --diagram into docs/handshake-*.svg, and the illustrated pages (make illustrations)
.PHONY: diagrams
diagrams: release
	@scripts/diagrams.sh $(RELEASE_BIN) docs
# --- end of diagrams ---
# --- documentation and packaging (DocC, man page, completions, CLI reference, Debian package) ---
#   make docs    DocC for SecureSockets, GnuTLSBackend, SecureSocketsNIO and SecureSocketsBackends (articles, the tutorial "See a TLS handshake") as static HTML in .build/docs; any documentation warning fails it
#   make man     tlshello(1) (swift-argument-parser's generate-manual) in .build/man, checked with groff and mandoc, and the bash, zsh and fish completions in .build/completions
#   make cli-reference  regenerate docs/cli.md from the binary's own help (a test checks that it is current)
#   make deb     the Debian package of the CLI in .build/deb (static Swift runtime, the demo's certificate, man page, completions; Depends from dpkg-shlibdeps; lintian without errors)
DOCS_SCRATCH := .build-docs
DOC_TARGETS := SecureSockets GnuTLSBackend SecureSocketsNIO SecureSocketsBackends
MANUAL_DATE := $(shell git log -1 --format=%cs 2>/dev/null || date -u +%F)
GENERATED_MANUAL := .build/plugins/GenerateManual/outputs/tlshello/tlshello.1
DEB_DIR := .build/deb

.PHONY: docs man cli-reference deb clean-docs

docs: deps
	$(SWIFT) package --scratch-path $(DOCS_SCRATCH) --disable-sandbox --allow-writing-to-directory .build/docs \
	  generate-documentation $(addprefix --target ,$(DOC_TARGETS)) --enable-experimental-combined-documentation \
	  --disable-indexing --transform-for-static-hosting --output-path .build/docs --warnings-as-errors

man: build
	@scripts/ensure-packages.sh build "groff:groff" "mandoc:mandoc" "man-db:man"
	$(SWIFT) package --disable-sandbox generate-manual --configuration debug --date $(MANUAL_DATE)
	scripts/man-and-completions.sh $(DEBUG_BIN) $(GENERATED_MANUAL) .build

cli-reference: build
	python3 scripts/cli-reference.py --tlshello $(DEBUG_BIN) --out docs/cli.md

deb: static man
	@scripts/ensure-packages.sh build "dpkg-dev:dpkg-shlibdeps" "lintian:lintian" "binutils:strip"
	scripts/make-deb.sh $(STATIC_BIN) .build $(DEB_DIR)

clean: clean-docs
clean-docs:
	rm -rf $(DOCS_SCRATCH)
# --- end of documentation and packaging ---
# --- illustrations ---
#   make illustrations  the demo's exchange at TLS 1.3 and TLS 1.2 written by tlshello client --illustrate into docs/illustrated-tls13.html and docs/illustrated-tls12.html, with a screenshot (headless Chromium) in docs/illustrated-tls13.png
.PHONY: illustrations
illustrations: release
	@scripts/ensure-packages.sh build "chromium:chromium"
	@scripts/illustrations.sh $(RELEASE_BIN) docs

# make diagrams writes the illustrated pages too
diagrams: illustrations
# --- end of illustrations ---
# --- interop on OpenSSL (tlshello on its OpenSSL backend as a peer of tlshello on GnuTLS) ---
#   make release-openssl  a release tlshello built with the package trait OpenSSL, in .build-openssl-release (the default release binary stays OpenSSL-free); `make interop` builds it and adds the tlshello-on-OpenSSL rows when libssl-dev is installed
OPENSSL_RELEASE_SCRATCH := .build-openssl-release
OPENSSL_RELEASE_BIN := $(OPENSSL_RELEASE_SCRATCH)/release/tlshello
INTEROP_FLAGS ?=

.PHONY: release-openssl clean-openssl-release

release-openssl: deps
	@scripts/ensure-packages.sh test "libssl-dev:"
	$(SWIFT) build -c release --traits OpenSSL --product tlshello --scratch-path $(OPENSSL_RELEASE_SCRATCH)

ifeq ($(HAVE_LIBSSL_DEV),yes)
interop: release-openssl
interop: INTEROP_FLAGS += --tlshello-openssl $(OPENSSL_RELEASE_BIN)
endif

clean: clean-openssl-release
clean-openssl-release:
	rm -rf $(OPENSSL_RELEASE_SCRATCH)
# --- end of interop on OpenSSL ---
