// Request paths and the door (agent/request): no crash on any path or
// header; whatever parse_request lets through is a valid module path (and,
// for .mod and .zip, a valid canonical version of it) and comes back the
// same when its own path is asked for; the door lets in only a Host with
// the agent's port.

#include "fuzz_input.hpp"

#include <agent/request.hpp>
#include <gomod/module.hpp>

#include <cstdlib>

namespace {

std::string
escaped(gpx::Result<std::string> e)
{
  if (!e) {
    std::abort(); // a module or version the request accepted must escape
  }
  return *e;
}

std::string
path_of(const gpx::agent::ProxyRequest& r)
{
  using gpx::agent::Endpoint;
  if (r.endpoint == Endpoint::sumdb) {
    return "/sumdb/" + r.sumdb_name + "/" + r.sumdb_path;
  }
  auto path = "/" + escaped(gpx::gomod::escape_path(r.module.path));
  switch (r.endpoint) {
  case Endpoint::list:
    return path + "/@v/list";
  case Endpoint::latest:
    return path + "/@latest";
  case Endpoint::info:
    return path + "/@v/" + escaped(gpx::gomod::escape_version(r.module.version))
           + ".info";
  case Endpoint::mod:
    return path + "/@v/" + escaped(gpx::gomod::escape_version(r.module.version))
           + ".mod";
  case Endpoint::zip:
    return path + "/@v/" + escaped(gpx::gomod::escape_version(r.module.version))
           + ".zip";
  case Endpoint::sumdb:
    break;
  }
  std::abort();
}

} // namespace

extern "C" int
LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  using namespace gpx;
  auto in = fuzz::text(data, size);
  if (auto r = agent::parse_request(in)) {
    if (r->endpoint != agent::Endpoint::sumdb
        && !gomod::check_path(r->module.path)) {
      std::abort();
    }
    if ((r->endpoint == agent::Endpoint::mod
         || r->endpoint == agent::Endpoint::zip)
        && !gomod::check(r->module.path, r->module.version)) {
      std::abort();
    }
    auto again = agent::parse_request(path_of(*r));
    if (!again || again->endpoint != r->endpoint
        || again->module.path != r->module.path
        || again->module.version != r->module.version
        || again->sumdb_name != r->sumdb_name
        || again->sumdb_path != r->sumdb_path) {
      std::abort();
    }
  }
  // Host, Origin and Sec-Fetch-Site headers, one a line.
  auto h = fuzz::lines(in, 3, 3);
  constexpr int port = 7070;
  if (agent::door_refusal(h[0], port, h[1], h[2]).empty()
      && !h[0].ends_with(":7070")) {
    std::abort();
  }
  return 0;
}
