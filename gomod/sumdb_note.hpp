#pragma once

// Signed notes, after golang.org/x/mod/sumdb/note: the checksum database
// signs each tree head as a note, text followed by a blank line and lines
// "— <name> <base64(4-byte key hash || signature)>". Keys are Ed25519
// (algorithm byte 1), written as
//   verifier: "<name>+<hash as 8 hex digits>+<base64(0x01 || 32-byte public
//   key)>" signer:   "PRIVATE+KEY+<name>+<hash>+<base64(0x01 || 32-byte seed)>"
// where hash = the first 4 bytes (big-endian) of
// SHA-256(name || "\n" || 0x01 || public key). Ed25519 is OpenSSL's.

#include <gomod/result.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace gpx::gomod::note {

class Verifier
{
public:
  const std::string&
  name() const
  {
    return m_name;
  }
  std::uint32_t
  key_hash() const
  {
    return m_hash;
  }
  // Whether sig is a valid signature of msg by this key.
  bool verify(std::string_view msg, std::string_view sig) const;

private:
  friend Result<Verifier> parse_verifier(std::string_view vkey);
  std::string m_name;
  std::uint32_t m_hash = 0;
  std::string m_public_key; // 32 bytes
};

class Signer
{
public:
  const std::string&
  name() const
  {
    return m_name;
  }
  std::uint32_t
  key_hash() const
  {
    return m_hash;
  }
  std::string sign(std::string_view msg) const; // 64-byte Ed25519 signature

private:
  friend Result<Signer> parse_signer(std::string_view skey);
  std::string m_name;
  std::uint32_t m_hash = 0;
  std::string m_seed; // 32 bytes
};

// The "name+hash+key" form (NewVerifier); errors name what is malformed.
Result<Verifier> parse_verifier(std::string_view vkey);
// The "PRIVATE+KEY+name+hash+key" form (NewSigner).
Result<Signer> parse_signer(std::string_view skey);
// A fresh key pair for name: {signer key, verifier key} strings (GenerateKey).
std::pair<std::string, std::string> generate_key(std::string_view name);
// x/mod's isValidName: non-empty, no Unicode spaces, no '+'.
bool is_valid_name(std::string_view name);

struct Signature
{
  std::string name;
  std::uint32_t hash = 0;
  std::string base64; // as it stands in the note
};

struct Note
{
  std::string text;                // up to and including the text's final "\n"
  std::vector<Signature> verified; // by a known key, and valid
  std::vector<Signature> unverified; // by an unknown key
};

enum class OpenError { malformed, unknown_verifier, invalid_signature };

struct OpenFailure
{
  OpenError kind = OpenError::malformed;
  std::string message; // "malformed note", "unknown key name+hash", "invalid
                       // signature for key name+hash"
};

// Open (note.Open): parses msg and checks its signatures against known.
// As in x/mod: a signature by a known name+hash that does not verify is
// invalid_signature; a note with no signature by a known key is
// unknown_verifier; the text must be valid UTF-8 without control
// characters other than '\n' and end in '\n', and at most 100 signatures.
// Returns the note, or the failure in `failure` (never both).
Result<Note> open(std::string_view msg,
                  const std::vector<Verifier>& known,
                  OpenFailure* failure = nullptr);

// Sign (note.Sign): text (ending in "\n") followed by a blank line and the
// signers' signature lines.
Result<std::string> sign(std::string_view text,
                         const std::vector<Signer>& signers);

} // namespace gpx::gomod::note
