# tlshello — the greeting demo over GnuTLS.
#   make demo    release build, server and client on loopback, verification on
#   make test    the whole suite (installs missing Debian packages when run as root)
#   make interop the interop matrix against OpenSSL, GnuTLS, Python ssl and tlslite-ng (docs/interop.md)
#   make no-openssl  static-stdlib build run inside a cached Debian 12 minbase root without OpenSSL
#   make build   debug build
#   make certs   regenerate certs/diegoUcamCert.pem and certs/diegoUcamKey.pem

SWIFT ?= swift
RELEASE_BIN := .build/release/tlshello
DEBUG_BIN := .build/debug/tlshello
STATIC_BIN := .build-static/release/tlshello
INTEROP_VENV := .build-interop/venv
DEMO_SUBJECT := C=ES,ST=Murcia,L=Murcia,O=Ucam,OU=Alumnos,CN=diegoUcamCert

.PHONY: all deps build release static test demo interop no-openssl certs clean help

all: build

help:
	@sed -n 's/^#   /  /p' Makefile

deps:
	@scripts/ensure-packages.sh

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release --product tlshello

test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

demo: release
	@scripts/demo.sh $(RELEASE_BIN)

# The Swift runtime linked in: the binary needs only glibc, libstdc++ and the system GnuTLS.
static: deps
	$(SWIFT) build -c release --product tlshello --static-swift-stdlib --scratch-path .build-static

interop: release
	@scripts/interop-peers.sh $(INTEROP_VENV) >/dev/null
	python3 interop/run-matrix.py --tlshello $(RELEASE_BIN) --tlslite-python $(INTEROP_VENV)/bin/python

no-openssl: static
	@scripts/no-openssl.sh $(STATIC_BIN)

certs: build
	$(DEBUG_BIN) cert --cert certs/diegoUcamCert.pem --key certs/diegoUcamKey.pem \
	  --subject '$(DEMO_SUBJECT)' --san localhost --san 127.0.0.1 --san ::1 \
	  --key-type rsa --bits 2048 --digest sha512 --days 10950 --force

clean:
	rm -rf .build .build-static .build-interop
