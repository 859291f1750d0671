#include <gomod/strconv.hpp>

#include <doctest/doctest.h>

#include <string>
#include <string_view>
#include <vector>

namespace strconv = gpx::gomod::strconv;

namespace {

// What Go 1.26's utf8.DecodeRuneInString returns for these inputs.
constexpr struct
{
  std::string_view in;
  char32_t r;
  std::size_t size;
} k_decode[] = {
  {"", 0xFFFD, 0},
  {"a", 'a', 1},
  {"\xc3\xa9", 0xE9, 2},
  {"\xe2\x82\xac", 0x20AC, 3},
  {"\xef\xbf\xbd", 0xFFFD, 3}, // U+FFFD itself
  {"\xf0\x9f\x98\x80", 0x1F600, 4},
  {"\xff", 0xFFFD, 1},
  {"\xc0\x80", 0xFFFD, 1},         // overlong
  {"\xed\xa0\x80", 0xFFFD, 1},     // surrogate
  {"\xf4\x90\x80\x80", 0xFFFD, 1}, // past U+10FFFF
  {"\xe2\x82", 0xFFFD, 1},         // truncated
};

} // namespace

TEST_SUITE("gomod::strconv")
{
  TEST_CASE("is_ascii_digit")
  {
    for (int c = 0; c < 256; ++c) {
      CAPTURE(c);
      CHECK(strconv::is_ascii_digit(static_cast<char>(c))
            == (c >= '0' && c <= '9'));
    }
    // A digit of another script is not one in a version.
    CHECK_FALSE(
      strconv::is_ascii_digit("\xd9\xa3"[0])); // U+0663 ARABIC-INDIC THREE
  }

  TEST_CASE("decode_rune")
  {
    for (const auto& tc : k_decode) {
      CAPTURE(tc.in);
      const strconv::Rune got = strconv::decode_rune(tc.in);
      CHECK(got.r == tc.r);
      CHECK(got.size == tc.size);
    }
  }

  TEST_CASE("is_valid_utf8")
  {
    CHECK(strconv::is_valid_utf8(""));
    CHECK(strconv::is_valid_utf8("ok \xc3\xa9 \xe2\x98\xba"));
    CHECK(strconv::is_valid_utf8("\xef\xbf\xbd"));
    CHECK_FALSE(
      strconv::is_valid_utf8("a\xff"
                             "b"));
    CHECK_FALSE(strconv::is_valid_utf8("\xed\xa0\x80"));
  }

  TEST_CASE("append_utf8")
  {
    std::string out;
    for (char32_t r : {U'a', U'\u00e9', U'\u20ac', U'\U0001F600'}) {
      strconv::append_utf8(out, r);
    }
    CHECK(out == "a\u00e9\u20ac\U0001F600");
  }

  TEST_CASE("is_space")
  {
    // unicode.IsSpace: the White_Space property, not the zero-width ones.
    for (char32_t r : {U'\t',
                       U'\n',
                       U'\v',
                       U'\f',
                       U'\r',
                       U' ',
                       U'\u0085',
                       U'\u00a0',
                       U'\u1680',
                       U'\u2000',
                       U'\u200a',
                       U'\u2028',
                       U'\u2029',
                       U'\u202f',
                       U'\u205f',
                       U'\u3000'}) {
      CAPTURE(static_cast<unsigned>(r));
      CHECK(strconv::is_space(r));
    }
    for (char32_t r : {U'a', U'\u200b', U'\ufeff', U'\u180e'}) {
      CAPTURE(static_cast<unsigned>(r));
      CHECK_FALSE(strconv::is_space(r));
    }
  }

  TEST_CASE("is_print")
  {
    // As Go 1.26's unicode.IsPrint says.
    for (char32_t r : {U' ',
                       U'~',
                       U'\u00a1',
                       U'\u00e9',
                       U'\u263a',
                       U'\U0001F600',
                       U'\U000E0100'}) {
      CAPTURE(static_cast<unsigned>(r));
      CHECK(strconv::is_print(r));
    }
    // Controls, spaces, format characters, private use, noncharacters,
    // unassigned code points among the format characters, tags.
    constexpr char32_t k_unprintable[] = {
      0x1F,   0x7F,    0x85,    0xA0,    0xAD,    0x600,   0x2000,
      0x200B, 0x2065,  0x3000,  0xE000,  0xFDD0,  0xFEFF,  0xFFF0,
      0xFFFE, 0x13430, 0x1D173, 0xE0001, 0xE0041, 0xE01F0, 0xF0000,
    };
    for (char32_t r : k_unprintable) {
      CAPTURE(static_cast<unsigned>(r));
      CHECK_FALSE(strconv::is_print(r));
    }
    CHECK_FALSE(strconv::is_print(0xD800));
    CHECK_FALSE(strconv::is_print(0x110000));
  }

  TEST_CASE("quote")
  {
    CHECK(strconv::quote("abc") == R"("abc")");
    CHECK(strconv::quote("a\"b\\c'") == R"("a\"b\\c'")");
    CHECK(strconv::quote("\n\t\x01\x7f") == R"("\n\t\x01\x7f")");
    CHECK(strconv::quote("\xff") == R"("\xff")");
    CHECK(strconv::quote("испытание ☺") == "\"испытание ☺\"");
    CHECK(strconv::quote("\u00a0\u200b\U000E0001")
          == R"("\u00a0\u200b\U000e0001")");
    CHECK(strconv::quote("a\"b\\c\n"
                         "\x01\x7f\xff é\u00a0")
          == "\"a\\\"b\\\\c\\n\\x01\\x7f\\xff é\\u00a0\"");
    CHECK(strconv::quote("\u0600x\U000E0100\ufff0")
          == "\"\\u0600x\U000E0100\\ufff0\"");
  }

  TEST_CASE("quote_rune")
  {
    CHECK(strconv::quote_rune(U'\U0001F600') == "'\U0001F600'");
    CHECK(strconv::quote_rune(0xE000) == "'\\ue000'");
    CHECK(strconv::quote_rune(0xF0000) == "'\\U000f0000'");
    CHECK(strconv::quote_rune('\'') == "'\\''");
    CHECK(strconv::quote_rune('"') == "'\"'");
    // Not a code point: quoted as U+FFFD, as strconv.QuoteRune does.
    CHECK(strconv::quote_rune(0xD800) == "'\ufffd'");
    CHECK(strconv::quote_rune(0x110000) == "'\ufffd'");
  }

  TEST_CASE("unquote")
  {
    std::string out;
    CHECK(strconv::unquote("\"a\\tb\\x41\\u00e9\\101\\\"\"", out));
    CHECK(out == "a\tbAéA\"");
    CHECK(strconv::unquote("`a\\t\rb`", out));
    CHECK(out == "a\\tb");
    CHECK(strconv::unquote("\"\"", out));
    CHECK(out.empty());
    for (std::string_view bad : {"\"",
                                 "\"a",
                                 "a\"",
                                 "\"\\q\"",
                                 "\"\\'\"",
                                 "\"\\400\"",
                                 "\"\\ud800\"",
                                 "\"a\"b\"",
                                 "\"a\nb\"",
                                 "`a`b`",
                                 "'a'",
                                 "\"\\x4\""}) {
      CAPTURE(bad);
      CHECK_FALSE(strconv::unquote(bad, out));
    }
  }

  TEST_CASE("trim_space and fields")
  {
    CHECK(strconv::trim_space(" \t\u00a0x y\u3000\n") == "x y");
    CHECK(strconv::trim_space("x\xff") == "x\xff");
    CHECK(strconv::trim_space("\u2028x\u205f") == "x");
    CHECK(strconv::fields("  a b\u2003c\t")
          == std::vector<std::string_view>{"a", "b", "c"});
    CHECK(strconv::fields(" \r\n").empty());
    CHECK(strconv::fields("\u0085a\u00a0b\u200bc")
          == std::vector<std::string_view>{"a", "b\u200bc"});
  }
}
