#pragma once

// Answers GOPROXY requests from the cache, fetching from the upstream chain
// on a miss. Independent of the HTTP server so it can be tested directly.
//
// - .mod, .zip and .info of a canonical version never change: cached until
//   pruned, served without asking upstream.
// - list, @latest and .info of a query change: fresh for list_ttl, served
//   stale when every upstream fails, and from the cache alone offline.
// - 404/410 answers are remembered for negative_ttl, so a storm of misses
//   (go get asks every path prefix) costs one upstream request.
// - Identical concurrent requests share one upstream fetch.
// - Every zip is checked against the module zip rules and hashed before it
//   enters the cache; a bad download is never cached. Where a checksum
//   database lookup of the version is cached, the zip and go.mod must hash
//   to what it says.

#include <agent/git_source.hpp>
#include <agent/metrics.hpp>
#include <agent/request.hpp>
#include <agent/upstream.hpp>
#include <cache/store.hpp>
#include <gomod/gosum.hpp>

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <future>
#include <vector>
#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace gpx::agent {

struct HandlerOptions
{
  bool offline = false;
  // The checksum database that may be reached directly when no upstream
  // proxies it: "sum.golang.org", or "NAME URL".
  std::string sumdb = "sum.golang.org";
  std::chrono::seconds list_ttl{60};
  std::chrono::seconds negative_ttl{30};
  // A stale list/@latest/query answer is sent at once and refreshed in the
  // background, so a slow upstream never makes `go` wait for a list.
  bool stale_while_revalidate = false;
  // GOPRIVATE-style globs: these modules are never asked of an upstream
  // proxy nor looked up in a checksum database; they come from git.
  std::string private_patterns;
  // Serves private modules (and "direct" in the chain); without it private
  // modules get a 404 that says so.
  GitSource* git = nullptr;
};

struct Reply
{
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;            // when file is empty
  std::filesystem::path file;  // absolute path of a cached artifact to send
  bool from_cache = false;
};

class ProxyHandler
{
public:
  ProxyHandler(cache::Store& store, Upstream& upstream, HandlerOptions options);
  ~ProxyHandler(); // waits for background refreshes
  ProxyHandler(const ProxyHandler&) = delete;
  ProxyHandler& operator=(const ProxyHandler&) = delete;

  Reply handle(const ProxyRequest& request);

  Metrics&
  metrics()
  {
    return m_metrics;
  }
  // The /metrics text, with cache size and entries read from the index.
  std::string render_metrics();

private:
  struct Flight;

  Reply serve(const ProxyRequest& request, const std::string& rel, bool mutable_answer);
  Reply fetch(const ProxyRequest& request, const std::string& rel, bool mutable_answer);
  // fetch() once per path at a time: the first caller fetches, the others
  // wait for its reply.
  Reply fetch_shared(const ProxyRequest& request, const std::string& rel, bool mutable_answer, bool cached);
  Result<std::string> upstream_path(const ProxyRequest& request) const;
  bool is_private(const std::string& module_path) const;
  // The answer for a GOPROXY path from where this module comes from: git
  // for a private module, the upstream chain otherwise.
  Result<UpstreamAnswer> source_get(const ProxyRequest& request, const std::string& path, const HttpClient::Sink* sink);
  Reply offline_list(const ProxyRequest& request);
  Reply from_file(const std::string& rel, std::string_view content_type);
  Reply serve_sumdb(const ProxyRequest& request);
  // The hashes a cached checksum database lookup gives for mv ("" where
  // none is cached): what a download of it must hash to.
  gomod::GoSumEntry known_hashes(const gomod::Version& mv);
  // Base URL that serves checksum DB `name`: "<proxy>/sumdb/<name>" of the
  // first upstream that supports it, or the DB itself when configured; ""
  // when none does.
  std::string sumdb_base(const std::string& name);

  cache::Store& m_store;
  Upstream& m_upstream;
  HandlerOptions m_options;

  Metrics m_metrics;
  std::mutex m_mutex; // guards the maps below
  std::map<std::string, std::chrono::steady_clock::time_point> m_negative;
  std::map<std::string, std::shared_ptr<Flight>> m_flights;
  std::map<std::string, std::string> m_sumdb_bases; // name → base URL
  std::vector<std::future<void>> m_refreshes;
};

} // namespace gpx::agent
