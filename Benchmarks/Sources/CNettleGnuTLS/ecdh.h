/*
 * One side of a P-256 ECDH as GnuTLS 3.7 does it with nettle (lib/nettle/pk.c):
 * key generation as in _wrap_nettle_pk_generate_keys (ecdsa_generate_keypair, then the
 * point and scalar exported to GMP integers), and derivation as in _wrap_nettle_pk_derive
 * with ecc_shared_secret (peer point and own scalar imported and checked, ecc_point_mul,
 * the x coordinate written out big-endian).
 */
#ifndef CNETTLEGNUTLS_ECDH_H
#define CNETTLEGNUTLS_ECDH_H

#include "shim.h"
#include <gmp.h>
#include <nettle/bignum.h>
#include <nettle/ecc.h>
#include <nettle/ecc-curve.h>
#include <nettle/ecdsa.h>

/* An ECDH key pair held as GnuTLS holds it between the two steps: public (x, y), private k. */
typedef struct {
    mpz_t x;
    mpz_t y;
    mpz_t k;
} cnettle_ecdh_key;

static inline void cnettle_ecdh_key_init(cnettle_ecdh_key *key)
{
    mpz_init(key->x);
    mpz_init(key->y);
    mpz_init(key->k);
}

static inline void cnettle_ecdh_key_clear(cnettle_ecdh_key *key)
{
    mpz_clear(key->x);
    mpz_clear(key->y);
    mpz_clear(key->k);
}

/* A fresh ephemeral key pair on `curve` into `key`. */
static inline void cnettle_ecdh_generate(const struct ecc_curve *curve, cnettle_ecdh_key *key)
{
    struct ecc_scalar scalar;
    struct ecc_point point;

    ecc_scalar_init(&scalar, curve);
    ecc_point_init(&point, curve);
    ecdsa_generate_keypair(&point, &scalar, NULL, cnettle_gnutls_random);
    ecc_point_get(&point, key->x, key->y);
    ecc_scalar_get(&scalar, key->k);
    ecc_point_clear(&point);
    ecc_scalar_clear(&scalar);
}

/*
 * The shared secret of `own` (its k) with `peer` (its x, y), `size` bytes into `out`.
 * Returns 1, or 0 when the peer point or the scalar is invalid.
 */
static inline int cnettle_ecdh_derive(const struct ecc_curve *curve, const cnettle_ecdh_key *own,
                                      const cnettle_ecdh_key *peer, uint8_t *out, size_t size)
{
    struct ecc_point peer_point;
    struct ecc_scalar scalar;
    struct ecc_point product;
    mpz_t x;

    ecc_point_init(&peer_point, curve);
    if (ecc_point_set(&peer_point, peer->x, peer->y) == 0) {
        ecc_point_clear(&peer_point);
        return 0;
    }
    ecc_scalar_init(&scalar, curve);
    if (ecc_scalar_set(&scalar, own->k) == 0) {
        ecc_scalar_clear(&scalar);
        ecc_point_clear(&peer_point);
        return 0;
    }

    mpz_init(x);
    ecc_point_init(&product, curve);
    ecc_point_mul(&product, &scalar, &peer_point);
    ecc_point_get(&product, x, NULL);
    nettle_mpz_get_str_256(size, out, x);

    mpz_clear(x);
    ecc_point_clear(&product);
    ecc_scalar_clear(&scalar);
    ecc_point_clear(&peer_point);
    return 1;
}

#endif
