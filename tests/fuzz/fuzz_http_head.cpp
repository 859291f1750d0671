// Request heads (agent/http_head), the bytes any local process or web page
// can send the agent's door: no crash on any input; a head is either
// incomplete while it stays under every cap, refused with a 4xx/5xx status,
// or complete within the caps; a complete head's path holds no NUL; and
// reading a longer buffer never changes what its complete head says.

#include "fuzz_input.hpp"

#include <agent/http_head.hpp>

#include <cstdlib>

extern "C" int
LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  using namespace gpx::agent;
  auto in = gpx::fuzz::text(data, size);
  HeadLimits limits;
  limits.max_request_line = 256;
  limits.max_head_bytes = 1024;
  limits.max_fields = 8;
  auto p = parse_request_head(in, limits);
  switch (p.state) {
  case HeadParse::State::incomplete:
    // Empty lines may lead a request; beyond those, an incomplete head
    // holds no more than the caps allow.
    if (in.size() > limits.max_head_bytes + 16) {
      std::abort();
    }
    break;
  case HeadParse::State::refused:
    if (p.status < 400 || p.status > 505 || p.reason.empty()) {
      std::abort();
    }
    break;
  case HeadParse::State::complete: {
    if (p.head_size > in.size() || p.head_size > limits.max_head_bytes + 16
        || p.head.fields.size() > limits.max_fields || p.head.path.empty()
        || p.head.path[0] != '/' || p.head.path.find('\0') != std::string::npos
        || p.head.method.empty()) {
      std::abort();
    }
    // The head alone reads the same.
    auto again =
      parse_request_head(std::string_view(in).substr(0, p.head_size), limits);
    if (again.state != HeadParse::State::complete
        || again.head.path != p.head.path || again.head.fields != p.head.fields
        || again.head.keep_alive != p.head.keep_alive) {
      std::abort();
    }
    break;
  }
  }
  if (auto d = percent_decode(in);
      d && (d->size() > in.size() || d->find('\0') != std::string::npos)) {
    std::abort();
  }
  return 0;
}
