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
// - A HEAD for a zip that is not cached asks the upstream's HEAD: a client
//   learns the size (to plan its downloads) without a download.
// - Every zip is checked against the module zip rules and hashed before it
//   enters the cache; a bad download is never cached.
// - A public module's .mod and .zip enter the cache only once they hash to
//   the checksum database's proven record (fetched alongside the download,
//   so a cold miss costs no extra round trip); one cached before gpx proved
//   anything is proven on first use, and evicted if it fails.

#include <agent/checksum_db.hpp>
#include <agent/git_source.hpp>
#include <agent/in_flight.hpp>
#include <agent/metrics.hpp>
#include <agent/reply.hpp>
#include <agent/request.hpp>
#include <agent/upstream.hpp>
#include <cache/store.hpp>
#include <gomod/gosum.hpp>
#include <gomod/zip.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

namespace gpx::agent {

struct HandlerOptions
{
  bool offline = false;
  // The checksum database every public module is proven against (the
  // `sumdb` setting; the config's default is sum.golang.org, a bare
  // HandlerOptions checks nothing).
  gomod::sumdb::Database sumdb{true, "", "", ""};
  // GONOSUMDB-style globs of public modules no checksum database knows.
  std::string nosumdb_patterns;
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
  // A zip download is abandoned the moment it passes this (the go command's
  // own limit), so a hostile upstream cannot fill the disk.
  std::uint64_t max_zip_size = gomod::zip::k_max_zip_file;
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
  // Routed to git (GOPRIVATE, GONOPROXY): the developer's own code.
  bool is_private(const std::string& module_path) const;
  // The /metrics text, with cache size and entries read from the index.
  std::string render_metrics();

private:
  struct Flight;

  Reply serve(const ProxyRequest& request,
              const std::string& rel,
              bool mutable_answer);
  // A HEAD for a zip: its length from the cached file, else from the
  // upstream's HEAD; nothing is downloaded or cached.
  Reply head_zip(const ProxyRequest& request, const std::string& rel);
  Reply fetch(const ProxyRequest& request,
              const std::string& rel,
              bool mutable_answer);
  cache::ArtifactRow new_row(const ProxyRequest& request,
                             const std::string& rel,
                             bool mutable_answer) const;
  // The checksum database's record of a .mod/.zip, fetched alongside it
  // (an invalid future when none applies); marks row proven if one does.
  std::future<Result<gomod::GoSumEntry>>
  start_proof(const ProxyRequest& request, cache::ArtifactRow& row);
  // A zip miss: downloaded in the background into a temporary that the
  // answer streams from as it grows; the checks run at the end.
  Reply start_zip(const ProxyRequest& request, const std::string& rel);
  Reply download_zip(const ProxyRequest& request,
                     const std::string& rel,
                     cache::ArtifactRow row,
                     std::future<Result<gomod::GoSumEntry>>& expected,
                     cache::Writer writer,
                     InFlight& stream);
  void end_flight(const std::string& rel, int status);
  // An upstream walk that failed: counted, logged, a 502 with its reason.
  Reply upstream_failed(std::string_view what,
                        const std::string& path,
                        const Error& e);
  // fetch() once per path at a time: the first caller fetches, the others
  // wait for its reply.
  Reply fetch_shared(const ProxyRequest& request,
                     const std::string& rel,
                     bool mutable_answer,
                     bool cached);
  Result<std::string> upstream_path(const ProxyRequest& request) const;
  // The answer for a GOPROXY path from where this module comes from: git
  // for a private module, the upstream chain otherwise.
  Result<UpstreamAnswer> source_get(const ProxyRequest& request,
                                    const std::string& path,
                                    const HttpClient::Sink* sink);
  Reply offline_list(const ProxyRequest& request);
  Reply from_file(const std::string& rel, std::string_view content_type);
  Reply serve_sumdb(const ProxyRequest& request);
  // Checks a fetched .mod or .zip (h1) against the database's record, whose
  // lookup was started with the download; "" when it matches.
  std::string mismatch(const ProxyRequest& request,
                       std::future<Result<gomod::GoSumEntry>>& expected,
                       const std::string& h1,
                       const std::string& origin);
  // A cached .mod/.zip from before gpx proved anything: proven now, or
  // evicted (false) so the request fetches it again.
  bool prove_cached(const ProxyRequest& request, const std::string& rel);

  cache::Store& m_store;
  Upstream& m_upstream;
  HandlerOptions m_options;

  Metrics m_metrics;
  std::mutex m_mutex; // guards the maps below
  std::map<std::string, std::chrono::steady_clock::time_point> m_negative;
  std::map<std::string, std::shared_ptr<Flight>> m_flights;
  ChecksumDb m_checksum;
  std::mutex m_unproven_mutex;
  std::set<std::string> m_unproven; // cached .mod/.zip paths not proven yet
  std::atomic<bool> m_has_unproven{false}; // a hit checks the set only when set
  std::vector<std::future<void>>
    m_refreshes; // background refreshes and zip downloads
};

// Checks of what comes from outside, exposed for their fuzz targets: an
// upstream's .info or @latest JSON for this request, and a checksum
// database operation a go command asks for ("lookup/…", "tile/…").
Status validate_info(const ProxyRequest& r, std::string_view body);
Status check_sumdb_op(std::string_view op);

} // namespace gpx::agent
