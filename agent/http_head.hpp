#pragma once

// An HTTP/1.x request head (request line and header fields), read from
// bytes a client sent, with caps on every size: the agent's door must not
// buffer whatever a hostile local process or web page sends it.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace gpx::agent {

struct HeadLimits
{
  std::size_t max_request_line = 8 * 1024;
  std::size_t max_head_bytes = 32 * 1024; // request line and fields together
  std::size_t max_fields = 64;
};

struct RequestHead
{
  std::string method;
  std::string target;    // as sent: "/rsc.io/quote/@v/list?x"
  std::string path;      // target without the query, percent-decoded
  int minor_version = 1; // HTTP/1.minor
  std::vector<std::pair<std::string, std::string>> fields;
  // The client asked to keep the connection (HTTP/1.1 unless "close",
  // HTTP/1.0 only with "keep-alive").
  bool keep_alive = true;
  // A body follows the head (Content-Length > 0 or Transfer-Encoding).
  bool has_body = false;

  // The first field of that name (case-insensitive), "" when absent.
  std::string_view field(std::string_view name) const;
};

// What reading a head from a buffer came to. status is the HTTP status to
// refuse with (400, 414, 431, 505) when the head is not acceptable.
struct HeadParse
{
  enum class State { incomplete, complete, refused } state = State::incomplete;
  std::size_t head_size = 0; // bytes of the head, its blank line included
  int status = 0;
  std::string reason;
  RequestHead head;
};

// Reads the head at the start of buf. Incomplete while the blank line has
// not arrived and no cap is exceeded; a buffer past a cap is refused at
// once, so a caller never needs to hold more than the caps allow.
HeadParse parse_request_head(std::string_view buf,
                             const HeadLimits& limits = {});

// "%21" → "!", with "%2F" kept as a separator like any other '/'; nullopt
// for a malformed escape or a NUL byte.
std::optional<std::string> percent_decode(std::string_view text);

} // namespace gpx::agent
