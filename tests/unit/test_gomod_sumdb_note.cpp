#include <gomod/sumdb_note.hpp>

#include <doctest/doctest.h>

#include <string>
#include <string_view>
#include <vector>

namespace note = gpx::gomod::note;

namespace {

// x/mod's note_test.go vectors.
constexpr std::string_view k_peter_vkey =
  "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
constexpr std::string_view k_peter_skey =
  "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+"
  "Y7hfZx09iUvxdXHKDFz";
constexpr std::string_view k_enoch_vkey =
  "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop";

constexpr std::string_view k_text =
  "If you think cryptography is the answer to your problem,\n"
  "then you don't know what your problem is.\n";
constexpr std::string_view k_peter_b64 =
  "x08go/ZJkuBS9UG/"
  "SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM"
  "=";
constexpr std::string_view k_enoch_b64 =
  "rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/"
  "5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=";

const std::string k_peter_sig =
  "— PeterNeumann " + std::string(k_peter_b64) + "\n";
const std::string k_enoch_sig =
  "— EnochRoot " + std::string(k_enoch_b64) + "\n";

// The Go test proxy's checksum database (x/mod sumdb/client_test.go).
constexpr std::string_view k_localdev_vkey =
  "localhost.localdev/sumdb+00000c67+AcTrnkbUA+TU4heY3hkjiSES/DSQniBqIeQ/"
  "YppAUtK6";
constexpr std::string_view k_localdev_skey =
  "PRIVATE+KEY+localhost.localdev/"
  "sumdb+00000c67+AXu6+oaVaOYuQOFrf1V59JK1owcFlJcHwwXHDfDGxSPk";
// The go command's sum.golang.org key (cmd/go/internal/modfetch/key.go).
constexpr std::string_view k_go_sumdb_vkey =
  "sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8";

note::Verifier
verifier(std::string_view vkey)
{
  auto v = note::parse_verifier(vkey);
  REQUIRE_MESSAGE(v, v.error().message);
  return *v;
}

note::Signer
signer(std::string_view skey)
{
  auto s = note::parse_signer(skey);
  REQUIRE_MESSAGE(s, s.error().message);
  return *s;
}

bool
same(const note::Signature& a, const note::Signature& b)
{
  return a.name == b.name && a.hash == b.hash && a.base64 == b.base64;
}

const note::Signature k_peter{
  "PeterNeumann", 0xc74f20a3, std::string(k_peter_b64)};
const note::Signature k_enoch{
  "EnochRoot", 0xaf0cfe78, std::string(k_enoch_b64)};

// Every proper substring and every one-byte increment of a valid key.
std::vector<std::string>
manglings(std::string_view key)
{
  std::vector<std::string> out;
  for (std::size_t i = 0; i <= key.size(); ++i) {
    for (std::size_t j = i + 1; j <= key.size(); ++j) {
      if (i != 0 || j != key.size()) {
        out.emplace_back(key.substr(i, j - i));
      }
    }
  }
  for (std::size_t i = 0; i < key.size(); ++i) {
    std::string k(key);
    ++k[i];
    out.push_back(k);
  }
  return out;
}

// x/mod's testSignerAndVerifier.
void
check_pair(std::string_view name,
           const note::Signer& s,
           const note::Verifier& v)
{
  CHECK(s.name() == name);
  CHECK(v.name() == name);
  CHECK(s.key_hash() == v.key_hash());
  std::string msg = "hi";
  std::string sig = s.sign(msg);
  CHECK(sig.size() == 64);
  CHECK(v.verify(msg, sig));
  ++sig[0];
  CHECK_FALSE(v.verify(msg, sig));
  --sig[0];
  ++msg[0];
  CHECK_FALSE(v.verify(msg, sig));
}

struct Opened
{
  bool ok = false;
  note::Note note;
  note::OpenFailure failure;
};

Opened
try_open(std::string_view msg, const std::vector<note::Verifier>& known)
{
  Opened o;
  auto n = note::open(msg, known, &o.failure);
  o.ok = n.has_value();
  if (n) {
    o.note = *n;
  } else {
    CHECK(n.error().message == o.failure.message);
  }
  return o;
}

void
check_malformed(std::string_view msg, const std::vector<note::Verifier>& known)
{
  CAPTURE(msg);
  Opened o = try_open(msg, known);
  REQUIRE_FALSE(o.ok);
  CHECK(o.failure.kind == note::OpenError::malformed);
  CHECK(o.failure.message == "malformed note");
}

std::string
repeat(std::string_view s, int n)
{
  std::string out;
  for (int i = 0; i < n; ++i) {
    out += s;
  }
  return out;
}

// s with "ABCD" inserted at byte 60, as note_test.go corrupts signatures.
std::string
corrupt(std::string_view s)
{
  return std::string(s.substr(0, 60)) + "ABCD" + std::string(s.substr(60));
}

} // namespace

TEST_SUITE("gomod")
{
  TEST_CASE("note parse_verifier reads a verifier key")
  {
    note::Verifier v = verifier(k_peter_vkey);
    CHECK(v.name() == "PeterNeumann");
    CHECK(v.key_hash() == 0xc74f20a3);
  }

  TEST_CASE("note parse_verifier reads the Go checksum database keys")
  {
    note::Verifier go = verifier(k_go_sumdb_vkey);
    CHECK(go.name() == "sum.golang.org");
    CHECK(go.key_hash() == 0x033de0ae);
    note::Verifier localdev = verifier(k_localdev_vkey);
    CHECK(localdev.name() == "localhost.localdev/sumdb");
    CHECK(localdev.key_hash() == 0x00000c67);
    // The real key with its second half garbled: the hash gives it away.
    auto garbled = note::parse_verifier(
      "sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ld4pU4zpjLZQSE1E");
    REQUIRE_FALSE(garbled);
    CHECK(garbled.error().message == "invalid verifier hash");
  }

  TEST_CASE("note parse_verifier rejects every mangling of a key")
  {
    for (const std::string& k : manglings(k_peter_vkey)) {
      CAPTURE(k);
      CHECK_FALSE(note::parse_verifier(k));
    }
  }

  TEST_CASE("note parse_verifier names what is wrong")
  {
    auto error_of = [](std::string_view k) {
      auto v = note::parse_verifier(k);
      return v ? std::string() : v.error().message;
    };
    // Hashes adjusted to match, so only the key itself is wrong.
    CHECK(error_of("PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/"
                   "LDE4izWy10TWBADKEY==")
          == "malformed verifier id");
    CHECK(
      error_of(
        "PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW")
      == "unknown verifier algorithm");
    CHECK(
      error_of(
        "PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW")
      == "invalid verifier hash");
    CHECK(
      error_of(
        "PeterNeumann+C74F20A3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW")
        .empty());
    CHECK(
      error_of(
        "Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW")
      == "malformed verifier id");
    CHECK(error_of("PeterNeumann+c74f20a3+") == "malformed verifier id");
    CHECK(error_of(
            "PeterNeumann+c74f20a+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW")
          == "malformed verifier id");
  }

  TEST_CASE("note keys decode base64 as strictly as Go's StdEncoding")
  {
    // 33 bytes need no padding; these spell the same bytes non-canonically.
    CHECK_FALSE(
      note::parse_verifier("PeterNeumann+c74f20a3+"
                           "ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW===="));
    CHECK_FALSE(note::parse_verifier(
      "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW="));
    CHECK_FALSE(note::parse_verifier(
      "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzh KqiBfsVkmqq/LDE4izWy10TW"));
    CHECK_FALSE(note::parse_verifier(
      "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq-LDE4izWy10TW"));
    CHECK_FALSE(note::parse_verifier(
      "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10T"));
    // Like Go, line breaks inside the base64 are skipped.
    CHECK(note::parse_verifier(
      "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzh\r\nKqiBfsVkmqq/"
      "LDE4izWy10TW\n"));
  }

  TEST_CASE("note parse_signer reads a signer key")
  {
    note::Signer s = signer(k_peter_skey);
    CHECK(s.name() == "PeterNeumann");
    CHECK(s.key_hash() == 0xc74f20a3);
    note::Signer localdev = signer(k_localdev_skey);
    CHECK(localdev.name() == "localhost.localdev/sumdb");
    CHECK(localdev.key_hash() == 0x00000c67);
  }

  TEST_CASE("note parse_signer rejects every mangling of a key")
  {
    for (const std::string& k : manglings(k_peter_skey)) {
      CAPTURE(k);
      CHECK_FALSE(note::parse_signer(k));
    }
  }

  TEST_CASE("note signer and verifier keys of one pair agree")
  {
    check_pair("PeterNeumann", signer(k_peter_skey), verifier(k_peter_vkey));
    check_pair("localhost.localdev/sumdb",
               signer(k_localdev_skey),
               verifier(k_localdev_vkey));
  }

  TEST_CASE("note generate_key makes a consistent pair")
  {
    auto [skey, vkey] = note::generate_key("EnochRoot");
    CHECK(skey.starts_with("PRIVATE+KEY+EnochRoot+"));
    CHECK(vkey.starts_with("EnochRoot+"));
    check_pair("EnochRoot", signer(skey), verifier(vkey));
    auto [skey2, vkey2] = note::generate_key("EnochRoot");
    CHECK(skey2 != skey);
    CHECK(vkey2 != vkey);
  }

  TEST_CASE("note sign writes x/mod's example note")
  {
    auto msg = note::sign(k_text, {signer(k_peter_skey)});
    REQUIRE_MESSAGE(msg, msg.error().message);
    CHECK(*msg == std::string(k_text) + "\n" + k_peter_sig);
  }

  TEST_CASE("note sign with several signers lists them in order")
  {
    auto [skey, vkey] = note::generate_key("EnochRoot");
    auto msg = note::sign(k_text, {signer(k_peter_skey), signer(skey)});
    REQUIRE_MESSAGE(msg, msg.error().message);
    CHECK(msg->starts_with(std::string(k_text) + "\n" + k_peter_sig
                           + "— EnochRoot "));
    Opened o = try_open(*msg, {verifier(k_peter_vkey), verifier(vkey)});
    REQUIRE(o.ok);
    CHECK(o.note.verified.size() == 2);
  }

  TEST_CASE("note sign needs text ending in a newline")
  {
    auto msg = note::sign("abc", {signer(k_peter_skey)});
    REQUIRE_FALSE(msg);
    CHECK(msg.error().message == "malformed note");
  }

  TEST_CASE("note open keeps verified and unverified signatures apart")
  {
    std::string msg = std::string(k_text) + "\n" + k_peter_sig + k_enoch_sig;
    Opened o = try_open(msg, {verifier(k_peter_vkey)});
    REQUIRE(o.ok);
    CHECK(o.note.text == k_text);
    REQUIRE(o.note.verified.size() == 1);
    CHECK(same(o.note.verified[0], k_peter));
    REQUIRE(o.note.unverified.size() == 1);
    CHECK(same(o.note.unverified[0], k_enoch));
  }

  TEST_CASE("note open verifies every known signature")
  {
    std::string msg = std::string(k_text) + "\n" + k_peter_sig + k_enoch_sig;
    Opened o = try_open(msg, {verifier(k_peter_vkey), verifier(k_enoch_vkey)});
    REQUIRE(o.ok);
    REQUIRE(o.note.verified.size() == 2);
    CHECK(same(o.note.verified[0], k_peter));
    CHECK(same(o.note.verified[1], k_enoch));
    CHECK(o.note.unverified.empty());
  }

  TEST_CASE("note open fails when no signature is by a known key")
  {
    std::string msg = std::string(k_text) + "\n" + k_peter_sig + k_enoch_sig;
    Opened o = try_open(msg, {});
    REQUIRE_FALSE(o.ok);
    CHECK(o.failure.kind == note::OpenError::unknown_verifier);
    CHECK(o.failure.message == "unknown key PeterNeumann+c74f20a3");
    auto n = note::open(msg, {verifier(k_localdev_vkey)});
    REQUIRE_FALSE(n);
    CHECK(n.error().message == "unknown key PeterNeumann+c74f20a3");
  }

  TEST_CASE(
    "note open rejects a key listed twice only when a signature needs it")
  {
    std::vector<note::Verifier> known{
      verifier(k_enoch_vkey), verifier(k_peter_vkey), verifier(k_enoch_vkey)};
    Opened o = try_open(std::string(k_text) + "\n" + k_enoch_sig, known);
    REQUIRE_FALSE(o.ok);
    CHECK(o.failure.kind == note::OpenError::unknown_verifier);
    CHECK(o.failure.message == "ambiguous key EnochRoot+af0cfe78");
    CHECK(try_open(std::string(k_text) + "\n" + k_peter_sig, known).ok);
  }

  TEST_CASE("note open allows at most 100 signatures")
  {
    std::string many = std::string(k_text) + "\n" + repeat(k_peter_sig, 101);
    check_malformed(many, {verifier(k_peter_vkey)});
    check_malformed(many, {});
    CHECK(try_open(std::string(k_text) + "\n" + repeat(k_peter_sig, 100),
                   {verifier(k_peter_vkey)})
            .ok);
  }

  TEST_CASE("note open fails on an invalid signature by a known key")
  {
    Opened o = try_open(std::string(k_text) + "\n" + corrupt(k_peter_sig),
                        {verifier(k_peter_vkey)});
    REQUIRE_FALSE(o.ok);
    CHECK(o.failure.kind == note::OpenError::invalid_signature);
    CHECK(o.failure.message
          == "invalid signature for key PeterNeumann+c74f20a3");
    o = try_open(std::string(k_text) + "\n" + k_peter_sig,
                 {verifier(k_peter_vkey)});
    REQUIRE(o.ok);
    o = try_open(std::string(k_text) + "extra\n\n" + k_peter_sig,
                 {verifier(k_peter_vkey)});
    REQUIRE_FALSE(o.ok);
    CHECK(o.failure.kind == note::OpenError::invalid_signature);
  }

  TEST_CASE("note open drops duplicate signatures")
  {
    // Only the first signature by a known key is checked; identical unknown
    // lines count once, different ones by the same unknown key do not.
    std::string msg = std::string(k_text) + "\n" + k_peter_sig + k_peter_sig
                      + k_enoch_sig + k_enoch_sig + corrupt(k_enoch_sig);
    Opened o = try_open(msg, {verifier(k_peter_vkey)});
    REQUIRE(o.ok);
    REQUIRE(o.note.verified.size() == 1);
    CHECK(same(o.note.verified[0], k_peter));
    REQUIRE(o.note.unverified.size() == 2);
    CHECK(same(o.note.unverified[0], k_enoch));
    note::Signature enoch_abcd{
      "EnochRoot",
      0xaf0cfe78,
      "rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n"
      "ABCD"
      "2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ="};
    CHECK(same(o.note.unverified[1], enoch_abcd));
    // A later bad signature by an already verified key is never looked at.
    CHECK(
      try_open(std::string(k_text) + "\n" + k_peter_sig + corrupt(k_peter_sig),
               {verifier(k_peter_vkey)})
        .ok);
  }

  TEST_CASE("note open rejects malformed notes")
  {
    std::vector<note::Verifier> known{verifier(k_peter_vkey)};
    std::string text(k_text);
    check_malformed(text, known);
    check_malformed(text + "\n", known);
    check_malformed(text + "\n" + k_peter_sig.substr(0, k_peter_sig.size() - 1),
                    known);
    check_malformed("\x01" + text + "\n" + k_peter_sig, known);
    check_malformed("\xff" + text + "\n" + k_peter_sig, known);
    check_malformed(text + "\n" + "— Bad Name " + std::string(k_peter_b64),
                    known);
    check_malformed(text + "\n" + k_peter_sig + "Unexpected line.\n", known);
  }

  TEST_CASE("note open rejects malformed signature lines")
  {
    std::vector<note::Verifier> known{verifier(k_peter_vkey)};
    std::string head = std::string(k_text) + "\n";
    std::string b64(k_peter_b64);
    check_malformed(head + "— Bad Name " + b64 + "\n", known);
    check_malformed(head + "- PeterNeumann " + b64 + "\n", known);
    check_malformed(head + "—PeterNeumann " + b64 + "\n", known);
    check_malformed(head + "— PeterNeumann\n", known);
    check_malformed(head + "— PeterNeumann \n", known);
    check_malformed(head + "—  " + b64 + "\n", known);
    check_malformed(head + "— Peter+Neumann " + b64 + "\n", known);
    check_malformed(head + "— PeterNeumann " + b64 + " \n", known);
    check_malformed(
      head + "— PeterNeumann " + b64.substr(0, b64.size() - 1) + "\n", known);
    check_malformed(head + "— PeterNeumann " + b64 + "==\n", known);
    check_malformed(head + "— PeterNeumann x08gow==\n",
                    known); // a hash, no signature
    check_malformed(head + k_peter_sig + "\n", known);
    check_malformed(head + "— PeterNeumann\t" + b64 + "\n", known);
    check_malformed(head + "— PeterNeumann " + b64 + "\r\n", known);
  }

  TEST_CASE("note open verifies a tree note of the Go test checksum database")
  {
    // Signed by x/mod's test server (sumdb/client_test.go).
    constexpr std::string_view msg =
      "go.sum database tree\n"
      "6\n"
      "wc4SkQt52o5W2nQ8To2ARs+mWuUJjss+sdleoiqxMmM=\n"
      "\n"
      "— localhost.localdev/sumdb "
      "AAAMZ6oRNswlEZ6ZZhxrCvgl1MBy+nusq4JU+TG6Fe2NihWLqOzb+"
      "y2c2kzRLoCr4tvw9o36ucQEnhc20e4nA4Qc/wc=\n";
    Opened o = try_open(msg, {verifier(k_localdev_vkey)});
    REQUIRE(o.ok);
    CHECK(o.note.text == "go.sum database tree\n6\nwc4SkQt52o5W2nQ8To2ARs+mWuUJjss+sdleoiqxMmM=\n");
    REQUIRE(o.note.verified.size() == 1);
    CHECK(o.note.verified[0].hash == 0x00000c67);
  }

  TEST_CASE("note open verifies tree notes signed by sum.golang.org")
  {
    // Tree heads sum.golang.org served, as quoted in public write-ups.
    constexpr std::string_view head =
      "go.sum database tree\n"
      "6476701\n"
      "mb8QLQIs0Z0yP5Cstq6guj87oXWeC9gEM8oVikmm9Wk=\n";
    std::string msg = std::string(head) + "\n"
                      + "— sum.golang.org "
                        "Az3grsLX85Gz+s1SiTbgkuqxgItqFq7gsMUEyVnrsa9LM7Us9S+1xbFIGu95949rj4nPRYfvimWEPWL+o3GeoWwOoAw=\n";
    Opened o = try_open(msg, {verifier(k_go_sumdb_vkey)});
    REQUIRE(o.ok);
    CHECK(o.note.text == head);
    REQUIRE(o.note.verified.size() == 1);
    CHECK(o.note.verified[0].name == "sum.golang.org");
    CHECK(o.note.verified[0].hash == 0x033de0ae);

    // Cosigned by a witness we do not know.
    constexpr std::string_view cosigned =
      "go.sum database tree\n"
      "15067302\n"
      "gJyioq6dwR9n+NjEWORfYmH+ubeYm3kH42BBQ0bTpYI=\n"
      "\n"
      "— sum.golang.org "
      "Az3grp1rvWOs5NKlr/xR4GLN/CDyzzakmt1o61uSxYKpK1SerqOP2ClbX/"
      "peKUZjYnyomH5Xz7GZG3TpB7OeKn4E2ww=\n"
      "— test.example.com "
      "qTGhC/"
      "xIPQ0AXKHK6Y+"
      "9ypRfuvMZWPjRXM8NiOg5M1WREn07VQXyuIXM3NRNav3ieVFLUqDRK77PWDmL6w8w84UqeAw"
      "=\n";
    o = try_open(cosigned, {verifier(k_go_sumdb_vkey)});
    REQUIRE(o.ok);
    CHECK(o.note.verified.size() == 1);
    REQUIRE(o.note.unverified.size() == 1);
    CHECK(o.note.unverified[0].name == "test.example.com");

    // One digit of the tree size changed.
    o =
      try_open("go.sum database tree\n6476702" + msg.substr(msg.find("\nmb8Q")),
               {verifier(k_go_sumdb_vkey)});
    REQUIRE_FALSE(o.ok);
    CHECK(o.failure.kind == note::OpenError::invalid_signature);
    CHECK(o.failure.message
          == "invalid signature for key sum.golang.org+033de0ae");
  }
}
