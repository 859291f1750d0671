#include "http_head.hpp"

#include <gomod/strconv.hpp>

#include <algorithm>
#include <charconv>
#include <cstdint>

namespace gpx::agent {

namespace {

bool
iequals(std::string_view a, std::string_view b)
{
  return a.size() == b.size()
         && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
              auto lower = [](char c) {
                return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a')
                                            : c;
              };
              return lower(x) == lower(y);
            });
}

// RFC 9110 token characters, for methods and field names.
bool
is_token(std::string_view s)
{
  if (s.empty()) {
    return false;
  }
  return std::all_of(s.begin(), s.end(), [](char c) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')) {
      return true;
    }
    return std::string_view("!#$%&'*+-.^_`|~").find(c)
           != std::string_view::npos;
  });
}

std::string_view
trim(std::string_view s)
{
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) {
    s.remove_suffix(1);
  }
  return s;
}

bool
contains_token(std::string_view list, std::string_view token)
{
  while (!list.empty()) {
    auto comma = list.find(',');
    if (iequals(trim(list.substr(0, comma)), token)) {
      return true;
    }
    if (comma == std::string_view::npos) {
      break;
    }
    list.remove_prefix(comma + 1);
  }
  return false;
}

HeadParse
refuse(int status, std::string reason)
{
  HeadParse p;
  p.state = HeadParse::State::refused;
  p.status = status;
  p.reason = std::move(reason);
  return p;
}

// "GET /path HTTP/1.1" into head; "" or the reason to refuse with 400/505.
std::pair<int, std::string>
parse_request_line(std::string_view line, RequestHead& head)
{
  auto sp1 = line.find(' ');
  auto sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos
      || line.find(' ', sp2 + 1) != std::string_view::npos) {
    return {400, "malformed request line"};
  }
  auto method = line.substr(0, sp1);
  auto target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  auto version = line.substr(sp2 + 1);
  if (!is_token(method)) {
    return {400, "malformed method"};
  }
  if (version.size() != 8 || !version.starts_with("HTTP/1.") || version[7] < '0'
      || version[7] > '9') {
    return {505, "only HTTP/1.x is served"};
  }
  if (!target.starts_with('/')) {
    return {400, "the request target must be a path"};
  }
  auto raw_path = target.substr(0, target.find('?'));
  auto path = percent_decode(raw_path);
  if (!path) {
    return {400, "malformed percent-encoding in the path"};
  }
  head.method = std::string(method);
  head.target = std::string(target);
  head.path = std::move(*path);
  head.minor_version = version[7] - '0';
  return {0, ""};
}

// Where a head lies in the buffer: its request line from start to
// line_end, its blank line at end.
struct HeadSpan
{
  std::size_t start = 0;
  std::size_t line_end = 0;
  std::size_t end = 0;
};

// Clients may send empty lines before a request (RFC 9112 2.2); a few are
// skipped.
std::size_t
skip_empty_lines(std::string_view buf)
{
  std::size_t start = 0;
  while (start + 1 < buf.size() && buf[start] == '\r' && buf[start + 1] == '\n'
         && start < 8) {
    start += 2;
  }
  return start;
}

// Every cap, checked on what has arrived so far so that a buffer past one is
// refused however incomplete it is. The answer to give when the head is
// refused or incomplete, nullopt (with span set) when it can be parsed.
std::optional<HeadParse>
check_caps(std::string_view buf, const HeadLimits& limits, HeadSpan& span)
{
  span.start = skip_empty_lines(buf);
  span.line_end = buf.find("\r\n", span.start);
  if (span.line_end == std::string_view::npos) {
    if (buf.size() - span.start > limits.max_request_line) {
      return refuse(414, "request line too long");
    }
    return HeadParse{};
  }
  if (span.line_end - span.start > limits.max_request_line) {
    return refuse(414, "request line too long");
  }
  span.end = buf.find("\r\n\r\n", span.line_end);
  auto head_end =
    span.end == std::string_view::npos ? buf.size() : span.end + 4;
  if (head_end - span.start > limits.max_head_bytes) {
    return refuse(431, "request header fields too large");
  }
  // Count fields as they arrive, so that many small ones are refused early.
  std::size_t fields = 0;
  for (auto pos = buf.find("\r\n", span.line_end + 2);
       pos != std::string_view::npos && pos < head_end;
       pos = buf.find("\r\n", pos + 2)) {
    if (++fields > limits.max_fields + 1) {
      return refuse(431, "too many request header fields");
    }
  }
  if (span.end == std::string_view::npos) {
    return HeadParse{};
  }
  return std::nullopt;
}

// The field lines, each ending in CRLF, into fields; false for a malformed
// one.
bool
parse_fields(std::string_view rest,
             std::vector<std::pair<std::string, std::string>>& fields)
{
  while (!rest.empty()) {
    auto eol = rest.find("\r\n");
    auto line = rest.substr(0, eol);
    rest.remove_prefix(eol + 2);
    auto colon = line.find(':');
    // Obsolete line folding (a line starting with a space) is refused, as
    // RFC 9112 allows: it hides fields from anything that does not unfold.
    if (colon == std::string_view::npos || !is_token(line.substr(0, colon))) {
      return false;
    }
    auto value = trim(line.substr(colon + 1));
    if (value.find_first_of(std::string_view("\0\r\n", 3))
        != std::string_view::npos) {
      return false;
    }
    fields.emplace_back(std::string(line.substr(0, colon)), std::string(value));
  }
  return true;
}

// HTTP/1.1 keeps a connection unless told "close"; HTTP/1.0 only when told
// "keep-alive".
bool
wants_keep_alive(const RequestHead& head)
{
  auto connection = head.field("Connection");
  return head.minor_version >= 1 ? !contains_token(connection, "close")
                                 : contains_token(connection, "keep-alive");
}

// A Content-Length's value, 0 when absent; nullopt when it is not a number.
std::optional<std::uint64_t>
content_length(std::string_view length)
{
  std::uint64_t n = 0;
  if (!length.empty()) {
    auto [ptr, ec] =
      std::from_chars(length.data(), length.data() + length.size(), n);
    if (ec != std::errc() || ptr != length.data() + length.size()) {
      return std::nullopt;
    }
  }
  return n;
}

} // namespace

std::string_view
RequestHead::field(std::string_view name) const
{
  for (const auto& [k, v] : fields) {
    if (iequals(k, name)) {
      return v;
    }
  }
  return {};
}

std::optional<std::string>
percent_decode(std::string_view text)
{
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '%') {
      if (i + 2 >= text.size()) {
        return std::nullopt;
      }
      int hi = gomod::strconv::unhex(text[i + 1]);
      int lo = gomod::strconv::unhex(text[i + 2]);
      if (hi < 0 || lo < 0) {
        return std::nullopt;
      }
      c = static_cast<char>(hi * 16 + lo);
      i += 2;
    }
    if (c == '\0') {
      return std::nullopt;
    }
    out.push_back(c);
  }
  return out;
}

HeadParse
parse_request_head(std::string_view buf, const HeadLimits& limits)
{
  HeadSpan span;
  if (auto stop = check_caps(buf, limits, span)) {
    return std::move(*stop);
  }
  HeadParse p;
  p.head_size = span.end + 4;
  if (auto [status, reason] = parse_request_line(
        buf.substr(span.start, span.line_end - span.start), p.head);
      status != 0) {
    return refuse(status, std::move(reason));
  }
  if (!parse_fields(
        buf.substr(span.line_end + 2, span.end + 2 - (span.line_end + 2)),
        p.head.fields)) {
    return refuse(400, "malformed header field");
  }
  if (p.head.fields.size() > limits.max_fields) {
    return refuse(431, "too many request header fields");
  }
  p.head.keep_alive = wants_keep_alive(p.head);
  auto length = content_length(p.head.field("Content-Length"));
  if (!length) {
    return refuse(400, "malformed Content-Length");
  }
  p.head.has_body = *length > 0 || !p.head.field("Transfer-Encoding").empty();
  p.state = HeadParse::State::complete;
  return p;
}

} // namespace gpx::agent
