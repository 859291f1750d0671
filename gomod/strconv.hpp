#pragma once

// The bits of Go's unicode/utf8, unicode, strings and strconv that the module
// rules depend on. go.mod lexing, module path checks and the quoting in
// error messages must agree with the go command byte for byte, so each
// function keeps the semantics of the Go function it is named after.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace gpx::gomod::strconv {

// utf8.RuneError.
constexpr char32_t k_rune_error = 0xFFFD;

// One decoded rune and its length in bytes.
struct Rune
{
  char32_t r;
  std::size_t size;
};

// '0' to '9' only: versions, go lines and pseudo-version timestamps are
// ASCII by Go's grammar, whatever unicode.IsDigit would say.
constexpr bool
is_ascii_digit(char c)
{
  return c >= '0' && c <= '9';
}

// utf8.DecodeRuneInString: any malformed, overlong, surrogate or
// out-of-range sequence decodes as (U+FFFD, 1), so a caller resynchronises
// on the next byte exactly as a Go range loop would; "" gives (U+FFFD, 0).
Rune decode_rune(std::string_view s);
// utf8.ValidString.
bool is_valid_utf8(std::string_view s);
// The value of a hexadecimal digit, or -1.
int unhex(char c);
// utf8.AppendRune for a valid rune.
void append_utf8(std::string& out, char32_t r);

// unicode.IsSpace.
bool is_space(char32_t r);
// unicode.IsPrint, approximated for non-ASCII (see strconv.cpp): it decides
// how messages spell a name and which runes the go.mod lexer takes as
// identifier characters.
bool is_print(char32_t r);

// strings.TrimSpace.
std::string_view trim_space(std::string_view s);
// strings.Fields.
std::vector<std::string_view> fields(std::string_view s);

// strconv.Quote, which Go's %q uses for strings: "…" with Go escapes,
// invalid UTF-8 as \x bytes. Our messages quote paths and versions this way
// so that they read as the go command's do.
std::string quote(std::string_view s);
// strconv.QuoteRune: '…' with Go escapes; an invalid code point is quoted as
// U+FFFD.
std::string quote_rune(char32_t r);
// strconv.Unquote for "…" and `…` strings (not '…' rune literals); false on
// invalid syntax.
bool unquote(std::string_view s, std::string& out);

} // namespace gpx::gomod::strconv
