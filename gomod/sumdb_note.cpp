#include "sumdb_note.hpp"

#include <gomod/format.hpp>
#include <gomod/sha256.hpp>
#include <gomod/strconv.hpp>

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <memory>
#include <optional>
#include <set>
#include <stdexcept>
#include <utility>

namespace gpx::gomod::note {

namespace {

constexpr unsigned char k_alg_ed25519 = 1;
constexpr std::size_t k_ed25519_key_size = 32;
constexpr std::size_t k_ed25519_sig_size = 64;
constexpr int k_max_signatures = 100;
constexpr std::string_view k_sig_prefix = "\xe2\x80\x94 "; // em dash, space
constexpr std::string_view k_malformed_note = "malformed note";

struct PkeyFree
{
  void
  operator()(EVP_PKEY* p) const noexcept
  {
    EVP_PKEY_free(p);
  }
};
struct MdCtxFree
{
  void
  operator()(EVP_MD_CTX* p) const noexcept
  {
    EVP_MD_CTX_free(p);
  }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, MdCtxFree>;

const unsigned char*
bytes_of(std::string_view s)
{
  return reinterpret_cast<const unsigned char*>(s.data());
}

// Keys reach OpenSSL only at their exact size, so a failure here is an
// allocation failure: a bug-level condition, hence the exception.
PkeyPtr
private_key(std::string_view seed)
{
  PkeyPtr key(EVP_PKEY_new_raw_private_key(
    EVP_PKEY_ED25519, nullptr, bytes_of(seed), seed.size()));
  if (!key) {
    throw std::runtime_error("note: cannot create Ed25519 private key");
  }
  return key;
}

std::string
public_key_of_seed(std::string_view seed)
{
  PkeyPtr key = private_key(seed);
  std::string pub(k_ed25519_key_size, '\0');
  std::size_t len = pub.size();
  if (EVP_PKEY_get_raw_public_key(
        key.get(), reinterpret_cast<unsigned char*>(pub.data()), &len)
        != 1
      || len != k_ed25519_key_size) {
    throw std::runtime_error("note: cannot derive Ed25519 public key");
  }
  return pub;
}

bool
is_base64_char(char c)
{
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')
         || (c >= '0' && c <= '9') || c == '+' || c == '/';
}

// base64.StdEncoding.DecodeString: padded, no stray characters, but '\r'
// and '\n' skipped wherever they stand, so a key wrapped by an editor still
// reads as Go reads it.
std::optional<std::string>
decode_base64(std::string_view in)
{
  std::string s;
  for (char c : in) {
    if (c != '\r' && c != '\n') {
      s.push_back(c);
    }
  }
  if (s.size() % 4 != 0) {
    return std::nullopt;
  }
  std::size_t padding = 0;
  while (padding < s.size() && s[s.size() - 1 - padding] == '=') {
    ++padding;
  }
  if (padding > 2) {
    return std::nullopt;
  }
  for (char c : std::string_view(s).substr(0, s.size() - padding)) {
    if (!is_base64_char(c)) {
      return std::nullopt;
    }
  }
  std::string out(s.size() / 4 * 3, '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          bytes_of(s),
                          static_cast<int>(s.size()));
  if (n < 0 || static_cast<std::size_t>(n) != out.size()) {
    return std::nullopt;
  }
  // EVP_DecodeBlock decodes padding as zero bytes.
  out.resize(out.size() - padding);
  return out;
}

// strconv.ParseUint(s, 16, 32) of exactly 8 digits.
std::optional<std::uint32_t>
parse_hash(std::string_view s)
{
  if (s.size() != 8) {
    return std::nullopt;
  }
  std::uint32_t v = 0;
  for (char c : s) {
    int d = c >= '0' && c <= '9'   ? c - '0'
            : c >= 'a' && c <= 'f' ? c - 'a' + 10
            : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                   : -1;
    if (d < 0) {
      return std::nullopt;
    }
    v = v << 4 | static_cast<std::uint32_t>(d);
  }
  return v;
}

std::uint32_t
read_be32(std::string_view b)
{
  auto u = [&](std::size_t i) {
    return static_cast<std::uint32_t>(static_cast<unsigned char>(b[i]));
  };
  return u(0) << 24 | u(1) << 16 | u(2) << 8 | u(3);
}

std::string
be32(std::uint32_t v)
{
  return {static_cast<char>(v >> 24),
          static_cast<char>(v >> 16),
          static_cast<char>(v >> 8),
          static_cast<char>(v)};
}

// The hash commits to the name as well as the key, so one key published
// under two names has two ids.
std::uint32_t
key_hash(std::string_view name, std::string_view alg_and_key)
{
  Sha256 h;
  h.update(name);
  h.update("\n");
  h.update(alg_and_key);
  return read_be32(h.digest());
}

// Splits s at the first sep; without one, all of s is before.
std::pair<std::string_view, std::string_view>
chop(std::string_view s, std::string_view sep)
{
  std::size_t i = s.find(sep);
  if (i == std::string_view::npos) {
    return {s, {}};
  }
  return {s.substr(0, i), s.substr(i + sep.size())};
}

std::string
key_id(std::string_view name, std::uint32_t hash)
{
  return format("{}+{:08x}", name, hash);
}

// The "name+hash+base64" tail shared by both key forms.
struct KeyParts
{
  std::string_view name;
  std::uint32_t hash = 0;
  unsigned char alg = 0;
  std::string key; // without the algorithm byte
};

std::optional<KeyParts>
parse_key_parts(std::string_view s)
{
  auto [name, rest] = chop(s, "+");
  auto [hash16, key64] = chop(rest, "+");
  auto hash = parse_hash(hash16);
  auto raw = decode_base64(key64);
  if (!hash || !raw || raw->empty() || !is_valid_name(name)) {
    return std::nullopt;
  }
  auto alg = static_cast<unsigned char>((*raw)[0]);
  return KeyParts{name, *hash, alg, raw->substr(1)};
}

} // namespace

bool
is_valid_name(std::string_view name)
{
  if (name.empty() || !strconv::is_valid_utf8(name)
      || name.find('+') != std::string_view::npos) {
    return false;
  }
  while (!name.empty()) {
    strconv::Rune r = strconv::decode_rune(name);
    if (strconv::is_space(r.r)) {
      return false;
    }
    name.remove_prefix(r.size);
  }
  return true;
}

bool
Verifier::verify(std::string_view msg, std::string_view sig) const
{
  if (sig.size() != k_ed25519_sig_size) {
    return false;
  }
  PkeyPtr key(EVP_PKEY_new_raw_public_key(
    EVP_PKEY_ED25519, nullptr, bytes_of(m_public_key), m_public_key.size()));
  MdCtxPtr ctx(EVP_MD_CTX_new());
  if (!key || !ctx
      || EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, key.get())
           != 1) {
    return false;
  }
  return EVP_DigestVerify(
           ctx.get(), bytes_of(sig), sig.size(), bytes_of(msg), msg.size())
         == 1;
}

std::string
Signer::sign(std::string_view msg) const
{
  PkeyPtr key = private_key(m_seed);
  MdCtxPtr ctx(EVP_MD_CTX_new());
  std::string sig(k_ed25519_sig_size, '\0');
  std::size_t len = sig.size();
  if (!ctx
      || EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, key.get())
           != 1
      || EVP_DigestSign(ctx.get(),
                        reinterpret_cast<unsigned char*>(sig.data()),
                        &len,
                        bytes_of(msg),
                        msg.size())
           != 1
      || len != sig.size()) {
    throw std::runtime_error("note: Ed25519 signing failed");
  }
  return sig;
}

// Error texts are x/mod's, signer ones included (it reuses the verifier's).
Result<Verifier>
parse_verifier(std::string_view vkey)
{
  auto parts = parse_key_parts(vkey);
  if (!parts) {
    return Error::invalid("malformed verifier id");
  }
  if (parts->hash
      != key_hash(parts->name, static_cast<char>(parts->alg) + parts->key)) {
    return Error::invalid("invalid verifier hash");
  }
  if (parts->alg != k_alg_ed25519) {
    return Error::invalid("unknown verifier algorithm");
  }
  if (parts->key.size() != k_ed25519_key_size) {
    return Error::invalid("malformed verifier id");
  }
  Verifier v;
  v.m_name = parts->name;
  v.m_hash = parts->hash;
  v.m_public_key = std::move(parts->key);
  return v;
}

Result<Signer>
parse_signer(std::string_view skey)
{
  auto [priv, rest1] = chop(skey, "+");
  auto [key, rest2] = chop(rest1, "+");
  auto parts = parse_key_parts(rest2);
  if (priv != "PRIVATE" || key != "KEY" || !parts) {
    return Error::invalid("malformed verifier id");
  }
  if (parts->alg != k_alg_ed25519) {
    return Error::invalid("unknown verifier algorithm");
  }
  if (parts->key.size() != k_ed25519_key_size) {
    return Error::invalid("malformed verifier id");
  }
  // The hash is of the public key, so it can only be checked once derived.
  std::string pub =
    static_cast<char>(k_alg_ed25519) + public_key_of_seed(parts->key);
  if (parts->hash != key_hash(parts->name, pub)) {
    return Error::invalid("invalid verifier hash");
  }
  Signer s;
  s.m_name = parts->name;
  s.m_hash = parts->hash;
  s.m_seed = std::move(parts->key);
  return s;
}

std::pair<std::string, std::string>
generate_key(std::string_view name)
{
  std::string seed(k_ed25519_key_size, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(seed.data()),
                 static_cast<int>(seed.size()))
      != 1) {
    throw std::runtime_error("note: no randomness for a new key");
  }
  std::string pub = static_cast<char>(k_alg_ed25519) + public_key_of_seed(seed);
  std::string id = key_id(name, key_hash(name, pub));
  return {"PRIVATE+KEY+" + id + "+"
            + to_base64(static_cast<char>(k_alg_ed25519) + seed),
          id + "+" + to_base64(pub)};
}

namespace {

// Valid UTF-8 with no control characters but '\n': what x/mod's Open checks
// before anything else.
bool
is_clean_text(std::string_view msg)
{
  while (!msg.empty()) {
    strconv::Rune r = strconv::decode_rune(msg);
    if ((r.r < 0x20 && r.r != '\n')
        || (r.r == strconv::k_rune_error && r.size == 1)) {
      return false;
    }
    msg.remove_prefix(r.size);
  }
  return true;
}

struct SigLine
{
  Signature sig;
  std::string raw; // the signature bytes after the key hash
};

std::optional<SigLine>
parse_sig_line(std::string_view line)
{
  if (!line.starts_with(k_sig_prefix)) {
    return std::nullopt;
  }
  line.remove_prefix(k_sig_prefix.size());
  auto [name, b64] = chop(line, " ");
  auto raw = decode_base64(b64);
  if (!raw || !is_valid_name(name) || b64.empty() || raw->size() < 5) {
    return std::nullopt;
  }
  return SigLine{
    Signature{std::string(name), read_be32(*raw), std::string(b64)},
    raw->substr(4)};
}

struct Lookup
{
  const Verifier* verifier = nullptr;
  bool ambiguous = false;
};

Lookup
find_verifier(const std::vector<Verifier>& known, const Signature& sig)
{
  Lookup found;
  for (const Verifier& v : known) {
    if (v.name() == sig.name && v.key_hash() == sig.hash) {
      found.ambiguous = found.verifier != nullptr;
      found.verifier = &v;
      if (found.ambiguous) {
        break;
      }
    }
  }
  return found;
}

// Reads the signature block, deduplicating as x/mod does: identical
// unknown lines once, a known key's first signature only.
class SigReader
{
public:
  SigReader(std::string_view text, const std::vector<Verifier>& known)
    : m_text(text),
      m_known(known)
  {
  }

  std::optional<OpenFailure>
  add(std::string_view line)
  {
    auto parsed = parse_sig_line(line);
    if (!parsed || ++m_count > k_max_signatures) {
      return OpenFailure{OpenError::malformed, std::string(k_malformed_note)};
    }
    Signature& sig = parsed->sig;
    Lookup found = find_verifier(m_known, sig);
    if (found.ambiguous) {
      // x/mod's ambiguousVerifierError: the key list itself is suspect.
      return OpenFailure{OpenError::unknown_verifier,
                         "ambiguous key " + key_id(sig.name, sig.hash)};
    }
    if (found.verifier == nullptr) {
      if (m_seen_unverified.insert(std::string(line)).second) {
        m_note.unverified.push_back(std::move(sig));
      }
      return std::nullopt;
    }
    if (!m_seen.insert({sig.name, sig.hash}).second) {
      return std::nullopt;
    }
    if (!found.verifier->verify(m_text, parsed->raw)) {
      return OpenFailure{OpenError::invalid_signature,
                         "invalid signature for key "
                           + key_id(sig.name, sig.hash)};
    }
    m_note.verified.push_back(std::move(sig));
    return std::nullopt;
  }

  Note
  take() &&
  {
    m_note.text = std::string(m_text);
    return std::move(m_note);
  }

private:
  std::string_view m_text;
  const std::vector<Verifier>& m_known;
  Note m_note;
  int m_count = 0;
  std::set<std::pair<std::string, std::uint32_t>> m_seen;
  std::set<std::string, std::less<>> m_seen_unverified;
};

std::optional<OpenFailure>
read_note(std::string_view msg, const std::vector<Verifier>& known, Note& out)
{
  const OpenFailure malformed{OpenError::malformed,
                              std::string(k_malformed_note)};
  std::size_t split = msg.rfind("\n\n");
  if (!is_clean_text(msg) || split == std::string_view::npos) {
    return malformed;
  }
  std::string_view sigs = msg.substr(split + 2);
  if (sigs.empty() || sigs.back() != '\n') {
    return malformed;
  }
  SigReader reader(msg.substr(0, split + 1), known);
  while (!sigs.empty()) {
    std::size_t nl = sigs.find('\n');
    if (auto failure = reader.add(sigs.substr(0, nl))) {
      return failure;
    }
    sigs.remove_prefix(nl + 1);
  }
  out = std::move(reader).take();
  if (out.verified.empty()) {
    // Every line parsed, so there is at least one unverified signature.
    const Signature& first = out.unverified.front();
    return OpenFailure{OpenError::unknown_verifier,
                       "unknown key " + key_id(first.name, first.hash)};
  }
  return std::nullopt;
}

} // namespace

Result<Note>
open(std::string_view msg,
     const std::vector<Verifier>& known,
     OpenFailure* failure)
{
  Note note;
  if (auto f = read_note(msg, known, note)) {
    Error e = Error::invalid(f->message);
    if (failure != nullptr) {
      *failure = std::move(*f);
    }
    return e;
  }
  return note;
}

Result<std::string>
sign(std::string_view text, const std::vector<Signer>& signers)
{
  if (!text.ends_with('\n')) {
    return Error::invalid(std::string(k_malformed_note));
  }
  std::string out(text);
  out += '\n';
  for (const Signer& s : signers) {
    if (!is_valid_name(s.name())) {
      return Error::invalid("invalid signer");
    }
    out += k_sig_prefix;
    out += s.name();
    out += ' ';
    out += to_base64(be32(s.key_hash()) + s.sign(text));
    out += '\n';
  }
  return out;
}

} // namespace gpx::gomod::note
