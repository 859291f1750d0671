#include "sha256.hpp"

#include <openssl/evp.h>

#include <stdexcept>

namespace gpx::gomod {

struct Sha256::Ctx
{
  struct Free
  {
    void
    operator()(EVP_MD_CTX* p) const noexcept
    {
      EVP_MD_CTX_free(p);
    }
  };
  std::unique_ptr<EVP_MD_CTX, Free> md{EVP_MD_CTX_new()};
};

namespace {

void
init(EVP_MD_CTX* md)
{
  // Fails only on allocation failure: a bug-level condition, not an
  // expected error, hence the exception.
  if (md == nullptr || EVP_DigestInit_ex(md, EVP_sha256(), nullptr) != 1) {
    throw std::runtime_error("sha256: cannot initialise OpenSSL digest");
  }
}

} // namespace

Sha256::Sha256()
  : m_ctx(std::make_unique<Ctx>())
{
  init(m_ctx->md.get());
}

Sha256::~Sha256() = default;
Sha256::Sha256(Sha256&&) noexcept = default;
Sha256& Sha256::operator=(Sha256&&) noexcept = default;

void
Sha256::update(std::string_view data)
{
  EVP_DigestUpdate(m_ctx->md.get(), data.data(), data.size());
}

std::string
Sha256::digest()
{
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(m_ctx->md.get(), out, &len);
  init(m_ctx->md.get());
  return std::string(reinterpret_cast<const char*>(out), len);
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
