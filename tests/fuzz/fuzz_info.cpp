// An upstream's .info and @latest JSON (agent/proxy_handler's
// validate_info), for a request path on the first line and the body after
// it, and for fixed requests with the whole input as body. No crash; an
// accepted answer names a valid canonical version of the module, the very
// one asked for when a canonical version was asked for.

#include "fuzz_input.hpp"

#include <agent/proxy_handler.hpp>
#include <agent/request.hpp>
#include <gomod/module.hpp>

#include <nlohmann/json.hpp>

#include <cstdlib>

namespace {

void
check(const gpx::agent::ProxyRequest& r, const std::string& body)
{
  namespace gm = gpx::gomod;
  if (r.endpoint != gpx::agent::Endpoint::info
      && r.endpoint != gpx::agent::Endpoint::latest) {
    return;
  }
  if (!gpx::agent::validate_info(r, body)) {
    return;
  }
  auto j = nlohmann::json::parse(body, nullptr, false);
  auto v = j.at("Version").get<std::string>();
  if (!gm::check(r.module.path, v) || gm::canonical_version(v) != v) {
    std::abort();
  }
  if (r.endpoint == gpx::agent::Endpoint::info
      && gm::canonical_version(r.module.version) == r.module.version
      && v != r.module.version && v != r.module.version + "+incompatible") {
    std::abort();
  }
}

} // namespace

extern "C" int
LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  using gpx::agent::Endpoint;
  auto in = gpx::fuzz::text(data, size);
  auto l = gpx::fuzz::lines(in, 2, 2);
  if (auto r = gpx::agent::parse_request(l[0])) {
    check(*r, l[1]);
  }
  check({Endpoint::info, {"example.com/m", "v1.0.0"}, "", "", false}, in);
  check({Endpoint::info, {"example.com/m/v2", "main"}, "", "", false}, in);
  check({Endpoint::latest, {"example.com/m", ""}, "", "", false}, in);
  return 0;
}
