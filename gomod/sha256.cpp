#include "sha256.hpp"

// SHA-256's own functions rather than EVP: OpenSSL 3 deprecates them, but
// EVP's first use loads the provider machinery and openssl.cnf, 2 MB of RSS
// an idle agent would carry only because its config names a checksum
// database (whose key hash is a SHA-256). Same assembly underneath.
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/evp.h>
#include <openssl/sha.h>

namespace gpx::gomod {

struct Sha256::Ctx
{
  SHA256_CTX sha;
};

Sha256::Sha256()
  : m_ctx(std::make_unique<Ctx>())
{
  SHA256_Init(&m_ctx->sha);
}

Sha256::~Sha256() = default;
Sha256::Sha256(Sha256&&) noexcept = default;
Sha256& Sha256::operator=(Sha256&&) noexcept = default;

void
Sha256::update(std::string_view data)
{
  SHA256_Update(&m_ctx->sha, data.data(), data.size());
}

std::string
Sha256::digest()
{
  unsigned char out[SHA256_DIGEST_LENGTH];
  SHA256_Final(out, &m_ctx->sha);
  SHA256_Init(&m_ctx->sha);
  return std::string(reinterpret_cast<const char*>(out), sizeof out);
}

std::string
Sha256::hex_digest()
{
  return to_hex(digest());
}

std::string
Sha256::base64_digest()
{
  return to_base64(digest());
}

std::string
to_base64(std::string_view bytes)
{
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(bytes.data()),
                          static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

std::string
to_hex(std::string_view bytes)
{
  static constexpr char k_digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(k_digits[c >> 4]);
    out.push_back(k_digits[c & 0xf]);
  }
  return out;
}

} // namespace gpx::gomod
