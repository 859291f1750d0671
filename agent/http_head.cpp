#include "http_head.hpp"

#include <gomod/strconv.hpp>

#include <algorithm>
#include <charconv>

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
  // Clients may send empty lines before a request (RFC 9112 2.2).
  std::size_t start = 0;
  while (start + 1 < buf.size() && buf[start] == '\r' && buf[start + 1] == '\n'
         && start < 8) {
    start += 2;
  }
  auto line_end = buf.find("\r\n", start);
  if (line_end == std::string_view::npos) {
    if (buf.size() - start > limits.max_request_line) {
      return refuse(414, "request line too long");
    }
    return {};
  }
  if (line_end - start > limits.max_request_line) {
    return refuse(414, "request line too long");
  }
  auto end = buf.find("\r\n\r\n", line_end);
  auto head_end = end == std::string_view::npos ? buf.size() : end + 4;
  if (head_end - start > limits.max_head_bytes) {
    return refuse(431, "request header fields too large");
  }
  // Count fields as they arrive, so that many small ones are refused early.
  std::size_t fields = 0;
  for (auto pos = buf.find("\r\n", line_end + 2);
       pos != std::string_view::npos && pos < head_end;
       pos = buf.find("\r\n", pos + 2)) {
    if (++fields > limits.max_fields + 1) {
      return refuse(431, "too many request header fields");
    }
  }
  if (end == std::string_view::npos) {
    return {};
  }

  HeadParse p;
  p.head_size = end + 4;
  if (auto [status, reason] =
        parse_request_line(buf.substr(start, line_end - start), p.head);
      status != 0) {
    return refuse(status, std::move(reason));
  }
  auto rest = buf.substr(line_end + 2, end + 2 - (line_end + 2));
  while (!rest.empty()) {
    auto eol = rest.find("\r\n");
    auto line = rest.substr(0, eol);
    rest.remove_prefix(eol + 2);
    auto colon = line.find(':');
    // Obsolete line folding (a line starting with a space) is refused, as
    // RFC 9112 allows: it hides fields from anything that does not unfold.
    if (colon == std::string_view::npos || !is_token(line.substr(0, colon))) {
      return refuse(400, "malformed header field");
    }
    auto value = trim(line.substr(colon + 1));
    if (value.find_first_of(std::string_view("\0\r\n", 3))
        != std::string_view::npos) {
      return refuse(400, "malformed header field");
    }
    p.head.fields.emplace_back(std::string(line.substr(0, colon)),
                               std::string(value));
  }
  if (p.head.fields.size() > limits.max_fields) {
    return refuse(431, "too many request header fields");
  }
  auto connection = p.head.field("Connection");
  p.head.keep_alive = p.head.minor_version >= 1
                        ? !contains_token(connection, "close")
                        : contains_token(connection, "keep-alive");
  auto length = p.head.field("Content-Length");
  std::uint64_t n = 0;
  if (!length.empty()) {
    auto [ptr, ec] =
      std::from_chars(length.data(), length.data() + length.size(), n);
    if (ec != std::errc() || ptr != length.data() + length.size()) {
      return refuse(400, "malformed Content-Length");
    }
  }
  p.head.has_body = n > 0 || !p.head.field("Transfer-Encoding").empty();
  p.state = HeadParse::State::complete;
  return p;
}

} // namespace gpx::agent
