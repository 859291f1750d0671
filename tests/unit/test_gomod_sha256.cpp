#include <gomod/sha256.hpp>

#include <doctest/doctest.h>

using gpx::gomod::Sha256;

TEST_SUITE("gomod")
{
  // FIPS 180-2 test vectors.
  TEST_CASE("sha256 of known inputs, whole and in chunks")
  {
    Sha256 h;
    CHECK(
      h.hex_digest()
      == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    h.update("abc");
    CHECK(
      h.hex_digest()
      == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    // digest() resets, and chunking does not change the result.
    std::string text =
      "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    for (char c : text) {
      h.update(std::string_view(&c, 1));
    }
    CHECK(
      h.hex_digest()
      == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    std::string million(1000000, 'a');
    h.update(million);
    CHECK(
      h.hex_digest()
      == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  }

  TEST_CASE("to_hex")
  {
    CHECK(gpx::gomod::to_hex(std::string("\x00\xff\x10", 3)) == "00ff10");
    CHECK(gpx::gomod::to_hex("") == "");
  }
}
