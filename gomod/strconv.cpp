#include "strconv.hpp"

#include <gomod/format.hpp>

#include <algorithm>
#include <iterator>

namespace gpx::gomod::strconv {

namespace {

bool
is_continuation(unsigned char c)
{
  return (c & 0xC0) == 0x80;
}

// utf8.ValidRune.
bool
is_valid_rune(char32_t r)
{
  return r <= 0x10FFFF && !(r >= 0xD800 && r <= 0xDFFF);
}

struct RuneRange
{
  char32_t lo;
  char32_t hi;
};

// Unicode category Cf (format characters), as of Unicode 15.0.0, outside
// plane 14, which is_print handles as a whole.
constexpr RuneRange k_format_chars[] = {
  {0x00AD, 0x00AD},   {0x0600, 0x0605},   {0x061C, 0x061C},
  {0x06DD, 0x06DD},   {0x070F, 0x070F},   {0x0890, 0x0891},
  {0x08E2, 0x08E2},   {0x180E, 0x180E},   {0x200B, 0x200F},
  {0x202A, 0x202E},   {0x2060, 0x2064},   {0x2066, 0x206F},
  {0xFEFF, 0xFEFF},   {0xFFF9, 0xFFFB},   {0x110BD, 0x110BD},
  {0x110CD, 0x110CD}, {0x13430, 0x1343F}, {0x1BCA0, 0x1BCA3},
  {0x1D173, 0x1D17A},
};

bool
is_format_char(char32_t r)
{
  return std::any_of(
    std::begin(k_format_chars),
    std::end(k_format_chars),
    [r](const auto& range) { return r >= range.lo && r <= range.hi; });
}

// Appends r inside a quote delimited by `quote`, escaped as strconv's
// appendEscapedRune does.
void
append_escaped_rune(std::string& out, char32_t r, char quote)
{
  if (r == static_cast<char32_t>(quote) || r == '\\') {
    out += '\\';
    out += static_cast<char>(r);
    return;
  }
  if (is_print(r)) {
    append_utf8(out, r);
    return;
  }
  switch (r) {
  case '\a':
    out += "\\a";
    return;
  case '\b':
    out += "\\b";
    return;
  case '\f':
    out += "\\f";
    return;
  case '\n':
    out += "\\n";
    return;
  case '\r':
    out += "\\r";
    return;
  case '\t':
    out += "\\t";
    return;
  case '\v':
    out += "\\v";
    return;
  default:
    break;
  }
  if (r < ' ' || r == 0x7F) {
    out += format("\\x{:02x}", static_cast<unsigned>(r));
  } else if (r < 0x10000) {
    out += format("\\u{:04x}", static_cast<unsigned>(r));
  } else {
    out += format("\\U{:08x}", static_cast<unsigned>(r));
  }
}

} // namespace

int
unhex(char c)
{
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  return -1;
}

Rune
decode_rune(std::string_view s)
{
  if (s.empty()) {
    return {k_rune_error, 0};
  }
  const auto b0 = static_cast<unsigned char>(s[0]);
  if (b0 < 0x80) {
    return {b0, 1};
  }
  // Bounds of the second byte for each lead byte; the later continuation
  // bytes are always 0x80..0xBF. The narrowed ranges rule out overlong
  // forms (E0, F0), surrogates (ED) and code points above U+10FFFF (F4).
  std::size_t size = 0;
  unsigned char lo = 0x80;
  unsigned char hi = 0xBF;
  char32_t rune = 0;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    size = 2;
    rune = b0 & 0x1F;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    size = 3;
    rune = b0 & 0x0F;
    lo = b0 == 0xE0 ? 0xA0 : 0x80;
    hi = b0 == 0xED ? 0x9F : 0xBF;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    size = 4;
    rune = b0 & 0x07;
    lo = b0 == 0xF0 ? 0x90 : 0x80;
    hi = b0 == 0xF4 ? 0x8F : 0xBF;
  } else {
    return {k_rune_error, 1};
  }
  if (s.size() < size) {
    return {k_rune_error, 1};
  }
  const auto b1 = static_cast<unsigned char>(s[1]);
  if (b1 < lo || b1 > hi) {
    return {k_rune_error, 1};
  }
  rune = (rune << 6) | (b1 & 0x3F);
  for (std::size_t i = 2; i < size; ++i) {
    const auto b = static_cast<unsigned char>(s[i]);
    if (!is_continuation(b)) {
      return {k_rune_error, 1};
    }
    rune = (rune << 6) | (b & 0x3F);
  }
  return {rune, size};
}

bool
is_valid_utf8(std::string_view s)
{
  while (!s.empty()) {
    const Rune d = decode_rune(s);
    if (d.r == k_rune_error && d.size == 1) {
      return false;
    }
    s.remove_prefix(d.size);
  }
  return true;
}

void
append_utf8(std::string& out, char32_t r)
{
  if (r < 0x80) {
    out += static_cast<char>(r);
  } else if (r < 0x800) {
    out += static_cast<char>(0xC0 | (r >> 6));
    out += static_cast<char>(0x80 | (r & 0x3F));
  } else if (r < 0x10000) {
    out += static_cast<char>(0xE0 | (r >> 12));
    out += static_cast<char>(0x80 | ((r >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (r & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (r >> 18));
    out += static_cast<char>(0x80 | ((r >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((r >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (r & 0x3F));
  }
}

bool
is_space(char32_t r)
{
  switch (r) {
  case '\t':
  case '\n':
  case '\v':
  case '\f':
  case '\r':
  case ' ':
  case 0x85:
  case 0xA0:
  case 0x1680:
  case 0x2028:
  case 0x2029:
  case 0x202F:
  case 0x205F:
  case 0x3000:
    return true;
  default:
    return r >= 0x2000 && r <= 0x200A;
  }
}

// Rather than a large exact table, this rules out the controls, spaces and
// format characters, private use, noncharacters and plane 14's tags, and
// prints the rest. Against Go 1.26 (Unicode 15.0.0) it differs only for
// unassigned code points, which Go does not print. It was checked by a loop
// over every code point against unicode.IsPrint.
bool
is_print(char32_t r)
{
  if (r < 0x80) {
    return r >= 0x20 && r < 0x7F;
  }
  if (r <= 0xA0) {
    return false; // C1 controls and NBSP
  }
  if (!is_valid_rune(r) || is_space(r) || is_format_char(r)) {
    return false;
  }
  // Private use, noncharacters, and the unassigned code points among the
  // format characters.
  if ((r >= 0xE000 && r <= 0xF8FF) || (r >= 0xFDD0 && r <= 0xFDEF)
      || (r & 0xFFFE) == 0xFFFE || r == 0x2065
      || (r >= 0xFFF0 && r <= 0xFFF8)) {
    return false;
  }
  // Plane 14 holds tags (format characters) and variation selectors (marks,
  // which Go prints); planes 15 and 16 are private use.
  return r < 0xE0000 || (r >= 0xE0100 && r <= 0xE01EF);
}

std::string_view
trim_space(std::string_view s)
{
  while (!s.empty()) {
    const auto [r, n] = decode_rune(s);
    if (!is_space(r)) {
      break;
    }
    s.remove_prefix(n);
  }
  while (!s.empty()) {
    // Step back over one UTF-8 sequence.
    std::size_t start = s.size() - 1;
    while (start > 0 && s.size() - start < 4
           && is_continuation(static_cast<unsigned char>(s[start]))) {
      --start;
    }
    const auto [r, n] = decode_rune(s.substr(start));
    if (start + n != s.size()) {
      // Not a whole rune: a stray byte, which is not a space.
      break;
    }
    if (!is_space(r)) {
      break;
    }
    s.remove_suffix(n);
  }
  return s;
}

std::vector<std::string_view>
fields(std::string_view s)
{
  std::vector<std::string_view> out;
  std::size_t i = 0;
  std::size_t start = std::string_view::npos;
  while (i < s.size()) {
    const auto [r, n] = decode_rune(s.substr(i));
    if (is_space(r)) {
      if (start != std::string_view::npos) {
        out.push_back(s.substr(start, i - start));
        start = std::string_view::npos;
      }
    } else if (start == std::string_view::npos) {
      start = i;
    }
    i += n;
  }
  if (start != std::string_view::npos) {
    out.push_back(s.substr(start));
  }
  return out;
}

std::string
quote(std::string_view s)
{
  std::string out = "\"";
  while (!s.empty()) {
    const auto [r, n] = decode_rune(s);
    if (r == k_rune_error && n == 1) {
      out += format("\\x{:02x}", static_cast<unsigned char>(s[0]));
    } else {
      append_escaped_rune(out, r, '"');
    }
    s.remove_prefix(n);
  }
  out += '"';
  return out;
}

std::string
quote_rune(char32_t r)
{
  std::string out = "'";
  append_escaped_rune(out, is_valid_rune(r) ? r : k_rune_error, '\'');
  out += '\'';
  return out;
}

namespace {

// What a one-letter escape (\n, \t, …) stands for; 0 if c is none.
char
simple_escape(char c)
{
  switch (c) {
  case 'a':
    return '\a';
  case 'b':
    return '\b';
  case 'f':
    return '\f';
  case 'n':
    return '\n';
  case 'r':
    return '\r';
  case 't':
    return '\t';
  case 'v':
    return '\v';
  case '\\':
    return '\\';
  case '"':
    return '"';
  default:
    return 0;
  }
}

// The digits of \xNN, \uNNNN or \UNNNNNNNN (e is the letter) at the start
// of body.
bool
unquote_hex(char e, std::string_view& body, std::string& out)
{
  const std::size_t n = e == 'x' ? 2 : e == 'u' ? 4 : 8;
  if (body.size() < n) {
    return false;
  }
  char32_t v = 0;
  for (std::size_t j = 0; j < n; ++j) {
    const int x = unhex(body[j]);
    if (x < 0) {
      return false;
    }
    v = (v << 4) | static_cast<char32_t>(x);
  }
  body.remove_prefix(n);
  if (e == 'x') {
    out += static_cast<char>(v); // a single byte, maybe not UTF-8
    return true;
  }
  if (!is_valid_rune(v)) {
    return false;
  }
  append_utf8(out, v);
  return true;
}

// The last two digits of \NNN (first is the first) at the start of body.
bool
unquote_octal(char first, std::string_view& body, std::string& out)
{
  unsigned v = static_cast<unsigned>(first - '0');
  if (body.size() < 2) {
    return false;
  }
  for (std::size_t j = 0; j < 2; ++j) {
    if (body[j] < '0' || body[j] > '7') {
      return false;
    }
    v = (v << 3) | static_cast<unsigned>(body[j] - '0');
  }
  body.remove_prefix(2);
  if (v > 255) {
    return false;
  }
  out += static_cast<char>(v);
  return true;
}

// strconv.UnquoteChar's escapes: body starts after the backslash.
bool
unquote_escape(std::string_view& body, std::string& out)
{
  if (body.empty()) {
    return false;
  }
  const char e = body[0];
  body.remove_prefix(1);
  if (const char c = simple_escape(e); c != 0) {
    out += c;
    return true;
  }
  if (e == 'x' || e == 'u' || e == 'U') {
    return unquote_hex(e, body, out);
  }
  if (e >= '0' && e <= '7') {
    return unquote_octal(e, body, out);
  }
  return false;
}

// A raw string ends at its first backquote; Go drops \r from raw strings.
bool
unquote_raw(std::string_view body, std::string& out)
{
  if (body.find('`') != std::string_view::npos) {
    return false;
  }
  for (char c : body) {
    if (c != '\r') {
      out += c;
    }
  }
  return true;
}

} // namespace

bool
unquote(std::string_view s, std::string& out)
{
  out.clear();
  if (s.size() < 2 || s.front() != s.back()) {
    return false;
  }
  const char q = s.front();
  std::string_view body = s.substr(1, s.size() - 2);
  if (q == '`') {
    return unquote_raw(body, out);
  }
  if (q != '"') {
    return false;
  }
  while (!body.empty()) {
    const char c = body[0];
    if (c == '"' || c == '\n') {
      return false;
    }
    if (static_cast<unsigned char>(c) >= 0x80) {
      // Invalid UTF-8 comes out as U+FFFD, as Go's slow path does.
      const auto [r, n] = decode_rune(body);
      append_utf8(out, r);
      body.remove_prefix(n);
      continue;
    }
    body.remove_prefix(1);
    if (c != '\\') {
      out += c;
    } else if (!unquote_escape(body, out)) {
      return false;
    }
  }
  return true;
}

} // namespace gpx::gomod::strconv
