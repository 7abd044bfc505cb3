# tlshello — the greeting demo over GnuTLS.
#   make demo    release build, server and client on loopback, verification on
#   make test    the whole suite (installs missing Debian packages when run as root)
#   make interop the interop matrix against OpenSSL, GnuTLS, Python ssl and tlslite-ng (docs/interop.md)
#   make no-openssl  static-stdlib build run inside a cached Debian 12 minbase root without OpenSSL
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

no-openssl: static
	@scripts/no-openssl.sh $(STATIC_BIN)

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
#   make test-openssl  the OpenSSL backend's tests, built with --traits OpenSSL in .build-openssl (needs libssl-dev, a test dependency only); `make test` runs them too when libssl-dev is installed
OPENSSL_SCRATCH := .build-openssl
HAVE_LIBSSL_DEV := $(shell pkg-config --exists openssl 2>/dev/null && echo yes)

.PHONY: test-openssl clean-openssl

test-openssl: test-deps
	@scripts/ensure-packages.sh test "libssl-dev:"
	$(SWIFT) build --traits OpenSSL --build-tests --scratch-path $(OPENSSL_SCRATCH)
	$(SWIFT) test --traits OpenSSL --skip-build --scratch-path $(OPENSSL_SCRATCH) --filter 'OpenSSLBackendTests|CLIBackendTests'

ifeq ($(HAVE_LIBSSL_DEV),yes)
test: test-openssl
endif

clean: clean-openssl
clean-openssl:
	rm -rf $(OPENSSL_SCRATCH)
# --- end of OpenSSL backend ---

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
