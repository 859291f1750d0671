#pragma once

// Streaming SHA-256 (OpenSSL), for hashing zips and cache files chunk by
// chunk so memory stays bounded whatever their size.

#include <memory>
#include <string>
#include <string_view>

namespace gpx::gomod {

class Sha256
{
public:
  Sha256();
  ~Sha256();
  Sha256(Sha256&&) noexcept;
  Sha256& operator=(Sha256&&) noexcept;
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void update(std::string_view data);
  // The 32-byte digest; the hasher is reset afterwards.
  std::string digest();
  // Lowercase hex of digest().
  std::string hex_digest();
  // Standard padded base64 of digest(), as h1: and t1: sums write it.
  std::string base64_digest();

private:
  struct Ctx;
  std::unique_ptr<Ctx> m_ctx;
};

std::string to_hex(std::string_view bytes);
// Standard base64, padded.
std::string to_base64(std::string_view bytes);

} // namespace gpx::gomod
