/*
 * The OpenSSL 3 headers the OpenSSL backend uses, plus static inline wrappers for the
 * "functions" OpenSSL defines as macros over SSL_CTX_ctrl/SSL_ctrl/BIO_ctrl, which Swift
 * does not import.
 */
#ifndef COPENSSL_SHIM_H
#define COPENSSL_SHIM_H

#include <openssl/ssl.h>
#include <openssl/err.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <openssl/pem.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/ocsp.h>
#include <openssl/rand.h>
#include <openssl/core_names.h>
#include <openssl/params.h>

static inline int copenssl_ctx_set_min_proto_version(SSL_CTX *ctx, int version) {
    return (int)SSL_CTX_set_min_proto_version(ctx, version);
}
static inline int copenssl_ctx_set_max_proto_version(SSL_CTX *ctx, int version) {
    return (int)SSL_CTX_set_max_proto_version(ctx, version);
}
static inline int copenssl_set_tlsext_host_name(SSL *ssl, const char *name) {
    return (int)SSL_set_tlsext_host_name(ssl, name);
}
static inline long copenssl_ctx_set_session_cache_mode(SSL_CTX *ctx, long mode) {
    return SSL_CTX_set_session_cache_mode(ctx, mode);
}
static inline int copenssl_ctx_add1_chain_cert(SSL_CTX *ctx, X509 *certificate) {
    return (int)SSL_CTX_add1_chain_cert(ctx, certificate);
}
static inline int copenssl_add1_chain_cert(SSL *ssl, X509 *certificate) {
    return (int)SSL_add1_chain_cert(ssl, certificate);
}
static inline long copenssl_bio_pending(BIO *bio) { return (long)BIO_ctrl_pending(bio); }
static inline int copenssl_bio_set_mem_eof_return(BIO *bio, int value) {
    return (int)BIO_set_mem_eof_return(bio, value);
}
static inline int copenssl_get_peer_tmp_key(SSL *ssl, EVP_PKEY **key) {
    return (int)SSL_get_peer_tmp_key(ssl, key);
}
static inline int copenssl_get_tmp_key(SSL *ssl, EVP_PKEY **key) {
    return (int)SSL_get_tmp_key(ssl, key);
}
static inline long copenssl_ctx_set_options(SSL_CTX *ctx, uint64_t options) {
    return (long)SSL_CTX_set_options(ctx, options);
}
static inline uint64_t copenssl_op_no_ticket(void) { return SSL_OP_NO_TICKET; }
static inline uint64_t copenssl_op_no_renegotiation(void) { return SSL_OP_NO_RENEGOTIATION; }
static inline int copenssl_get_peer_signature_nid(SSL *ssl, int *nid) {
    return (int)SSL_get_peer_signature_nid(ssl, nid);
}
static inline int copenssl_get_signature_nid(SSL *ssl, int *nid) {
    return (int)SSL_get_signature_nid(ssl, nid);
}
static inline int copenssl_get_negotiated_group(SSL *ssl) { return (int)SSL_get_negotiated_group(ssl); }
/* XN_FLAG_RFC2253 without ASN1_STRFLGS_ESC_MSB: RFC 4514 names with UTF-8 kept as is. */
static inline unsigned long copenssl_name_flags(void) { return XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB; }
static inline void copenssl_free(void *pointer) { OPENSSL_free(pointer); }
static inline void *copenssl_malloc(size_t count) { return OPENSSL_malloc(count); }

/* OCSP stapling (status_request). */
typedef int (*copenssl_status_callback)(SSL *ssl, void *argument);
static inline long copenssl_ctx_set_tlsext_status_cb(SSL_CTX *ctx, copenssl_status_callback callback) {
    return SSL_CTX_set_tlsext_status_cb(ctx, callback);
}
static inline long copenssl_set_tlsext_status_type_ocsp(SSL *ssl) {
    return SSL_set_tlsext_status_type(ssl, TLSEXT_STATUSTYPE_ocsp);
}
/* The response the server stapled, owned by the SSL; the length, or -1 when none came. */
static inline long copenssl_get_tlsext_status_ocsp_resp(SSL *ssl, const unsigned char **response) {
    return SSL_get_tlsext_status_ocsp_resp(ssl, response);
}
/* Hands `response` (from OPENSSL_malloc) to the SSL, which frees it. */
static inline long copenssl_set_tlsext_status_ocsp_resp(SSL *ssl, unsigned char *response, long length) {
    return SSL_set_tlsext_status_ocsp_resp(ssl, response, length);
}
static inline int copenssl_ocsp_id_info(const OCSP_SINGLERESP *single, ASN1_OCTET_STRING **nameHash, ASN1_OBJECT **digest,
                                        ASN1_OCTET_STRING **keyHash, ASN1_INTEGER **serial) {
    return OCSP_id_get0_info(nameHash, digest, keyHash, serial, (OCSP_CERTID *)OCSP_SINGLERESP_get0_id(single));
}

/* Session ticket keys: HMAC-SHA256 with `key` on the ticket callback's MAC context. */
static inline int copenssl_ticket_mac_init(EVP_MAC_CTX *mac, const unsigned char *key, size_t length) {
    OSSL_PARAM parameters[2];
    parameters[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)"SHA256", 0);
    parameters[1] = OSSL_PARAM_construct_end();
    return EVP_MAC_init(mac, key, length, parameters);
}

#endif
