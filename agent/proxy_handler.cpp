#include "proxy_handler.hpp"

#include <cache/layout.hpp>
#include <gomod/dirhash.hpp>
#include <gomod/format.hpp>
#include <gomod/module.hpp>
#include <gomod/pseudo.hpp>
#include <gomod/semver.hpp>
#include <gomod/zip.hpp>

#include <nlohmann/json.hpp>

#include <set>

namespace fs = std::filesystem;

namespace gpx::agent {

namespace {

constexpr std::uint64_t k_max_small = 16u << 20; // go.mod limit; info/list are far smaller

std::int64_t
unix_now()
{
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
    .count();
}

Reply
text(int status, std::string body)
{
  Reply r;
  r.status = status;
  r.body = std::move(body);
  if (r.body.empty() || r.body.back() != '\n') {
    r.body.push_back('\n');
  }
  return r;
}

std::string_view
content_type_for(Endpoint e)
{
  switch (e) {
  case Endpoint::info:
  case Endpoint::latest:
    return "application/json";
  case Endpoint::zip:
    return "application/zip";
  default:
    return "text/plain; charset=utf-8";
  }
}

std::string
kind_name(Endpoint e)
{
  switch (e) {
  case Endpoint::list:
    return "list";
  case Endpoint::info:
    return "info";
  case Endpoint::mod:
    return "mod";
  case Endpoint::zip:
    return "zip";
  case Endpoint::latest:
    return "latest";
  case Endpoint::sumdb:
    return "sumdb";
  }
  return "";
}

// An .info or @latest answer must name a valid version of this module (and
// the very version asked for, when a canonical one was asked for).
Status
validate_info(const ProxyRequest& r, std::string_view body)
{
  auto j = nlohmann::json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("Version") || !j["Version"].is_string()) {
    return make_error(Error::Code::upstream, "upstream sent an .info that is not {\"Version\": …} JSON");
  }
  auto v = j["Version"].get<std::string>();
  GPX_TRY(gomod::check(r.module.path, v));
  if (gomod::canonical_version(v) != v) {
    return make_error(Error::Code::upstream, format("upstream sent non-canonical version {:?}", v));
  }
  if (r.endpoint == Endpoint::info && gomod::canonical_version(r.module.version) == r.module.version
      && v != r.module.version) {
    return make_error(Error::Code::upstream,
                      format("upstream answered {:?} for version {:?}", v, r.module.version));
  }
  return {};
}

} // namespace

struct ProxyHandler::Flight
{
  std::mutex mutex;
  std::condition_variable done_cv;
  bool done = false;
  Reply reply;
};

ProxyHandler::ProxyHandler(cache::Store& store, Upstream& upstream, HandlerOptions options)
  : m_store(store),
    m_upstream(upstream),
    m_options(options)
{
}

Reply
ProxyHandler::from_file(const std::string& rel, std::string_view content_type)
{
  Reply r;
  r.file = m_store.root() / rel;
  r.content_type = std::string(content_type);
  r.from_cache = true;
  m_store.note_used(rel, unix_now());
  return r;
}

Reply
ProxyHandler::handle(const ProxyRequest& request)
{
  Result<fs::path> rel_path = make_error(Error::Code::internal, "unreachable");
  bool mutable_answer = false;
  switch (request.endpoint) {
  case Endpoint::list:
    rel_path = cache::list_path(request.module.path);
    mutable_answer = true;
    break;
  case Endpoint::latest:
    rel_path = cache::list_path(request.module.path);
    if (rel_path) {
      rel_path = rel_path->parent_path().parent_path() / "@latest";
    }
    mutable_answer = true;
    break;
  case Endpoint::info:
    rel_path = cache::artifact_path(request.module, cache::Kind::info);
    mutable_answer = gomod::canonical_version(request.module.version) != request.module.version;
    break;
  case Endpoint::mod:
    rel_path = cache::artifact_path(request.module, cache::Kind::mod);
    break;
  case Endpoint::zip:
    rel_path = cache::artifact_path(request.module, cache::Kind::zip);
    break;
  case Endpoint::sumdb:
    return text(404, "checksum database proxying is not available yet");
  }
  if (!rel_path) {
    return text(400, rel_path.error().message);
  }
  return serve(request, rel_path->string(), mutable_answer);
}

Reply
ProxyHandler::serve(const ProxyRequest& request, const std::string& rel, bool mutable_answer)
{
  auto ctype = content_type_for(request.endpoint);
  auto row = m_store.find(rel);
  if (!row) {
    return text(500, row.error().message);
  }
  bool cached = row->has_value();
  bool fresh = cached && (!(*row)->expires_at || *(*row)->expires_at > unix_now());
  if (fresh || (cached && m_options.offline)) {
    return from_file(rel, ctype);
  }
  if (m_options.offline) {
    if (request.endpoint == Endpoint::list) {
      return offline_list(request);
    }
    return text(404, format("{}: not in the cache, and the agent is offline", request.module.str()));
  }
  {
    std::lock_guard lock(m_mutex);
    if (auto it = m_negative.find(rel); it != m_negative.end()) {
      if (it->second > std::chrono::steady_clock::now()) {
        return text(404, format("{}: not found (remembered upstream answer)", request.module.str()));
      }
      m_negative.erase(it);
    }
  }

  // One upstream fetch per path at a time; the others wait for its reply.
  std::shared_ptr<Flight> flight;
  bool leader = false;
  {
    std::lock_guard lock(m_mutex);
    auto& slot = m_flights[rel];
    if (!slot) {
      slot = std::make_shared<Flight>();
      leader = true;
    }
    flight = slot;
  }
  if (!leader) {
    std::unique_lock lock(flight->mutex);
    flight->done_cv.wait(lock, [&] { return flight->done; });
    return flight->reply;
  }
  Reply reply = fetch(request, rel, mutable_answer);
  if (reply.status >= 500 && cached) {
    // Every upstream failed: a stale answer beats none.
    reply = from_file(rel, ctype);
  } else if (reply.status >= 500 && request.endpoint == Endpoint::list) {
    auto from_cache = offline_list(request);
    if (from_cache.status == 200) {
      reply = from_cache;
    }
  }
  {
    std::lock_guard lock(m_mutex);
    m_flights.erase(rel);
    if (reply.status == 404) {
      m_negative[rel] = std::chrono::steady_clock::now() + m_options.negative_ttl;
    }
  }
  {
    std::lock_guard lock(flight->mutex);
    flight->reply = reply;
    flight->done = true;
  }
  flight->done_cv.notify_all();
  return reply;
}

Reply
ProxyHandler::fetch(const ProxyRequest& request, const std::string& rel, bool mutable_answer)
{
  auto ctype = content_type_for(request.endpoint);
  std::string path = rel.substr(std::string_view("download/").size());
  auto now = unix_now();
  cache::ArtifactRow row;
  row.path = rel;
  row.module = request.module.path;
  row.version = request.module.version;
  row.kind = kind_name(request.endpoint);
  row.fetched_at = now;
  row.last_used_at = now;
  if (mutable_answer) {
    row.expires_at = now + m_options.list_ttl.count();
  }

  if (request.endpoint == Endpoint::zip) {
    auto writer = m_store.begin_write();
    if (!writer) {
      return text(500, writer.error().message);
    }
    auto answer = m_upstream.get_stream(path, [&](std::string_view d) { return writer->write(d); });
    if (!answer) {
      return text(502, answer.error().message);
    }
    if (!answer->found) {
      return text(404, answer->body);
    }
    // Checked before it enters the cache: a truncated or rule-breaking zip
    // is an error for the client and leaves nothing behind.
    auto checked = gomod::zip::check_zip(request.module, writer->tmp_path());
    if (!checked) {
      return text(502, format("{}: bad zip from {}: {}", request.module.str(), answer->origin, checked.error().message));
    }
    if (auto ok = checked->err(); !ok) {
      return text(502, format("{}: bad zip from {}: {}", request.module.str(), answer->origin, ok.error().message));
    }
    auto h1 = gomod::dirhash::hash_zip(writer->tmp_path());
    if (!h1) {
      return text(502, format("{}: bad zip from {}: {}", request.module.str(), answer->origin, h1.error().message));
    }
    row.h1 = *h1;
    row.origin = answer->origin;
    if (auto ok = m_store.commit(std::move(*writer), row); !ok) {
      return text(500, ok.error().message);
    }
    return from_file(rel, ctype);
  }

  auto answer = m_upstream.get(path, k_max_small);
  if (!answer) {
    return text(502, answer.error().message);
  }
  if (!answer->found) {
    return text(404, answer->body);
  }
  if (request.endpoint == Endpoint::info || request.endpoint == Endpoint::latest) {
    if (auto ok = validate_info(request, answer->body); !ok) {
      return text(502, format("{}: {}: {}", request.module.str(), answer->origin, ok.error().message));
    }
  }
  if (request.endpoint == Endpoint::mod) {
    row.h1 = gomod::dirhash::hash_go_mod(answer->body);
  }
  row.origin = answer->origin;
  if (auto ok = m_store.put(answer->body, row); !ok) {
    // Could not cache (disk full …): still answer this request.
    Reply r = text(200, answer->body);
    r.body = answer->body;
    r.content_type = std::string(ctype);
    return r;
  }
  return from_file(rel, ctype);
}

Reply
ProxyHandler::offline_list(const ProxyRequest& request)
{
  // The versions whose .mod, .info or .zip are cached: what an offline go
  // command can actually use. Pseudo-versions are never listed (protocol).
  auto dir = cache::list_path(request.module.path);
  if (!dir) {
    return text(400, dir.error().message);
  }
  auto prefix = dir->parent_path().string() + "/";
  auto rows = m_store.with_index([&](auto& index) { return index.with_prefix(prefix); });
  if (!rows) {
    return text(500, rows.error().message);
  }
  std::set<std::string> versions;
  for (const auto& r : *rows) {
    if ((r.kind == "mod" || r.kind == "zip" || r.kind == "info") && gomod::canonical_version(r.version) == r.version
        && !gomod::is_pseudo_version(r.version) && !r.version.empty()) {
      versions.insert(r.version);
    }
  }
  if (versions.empty()) {
    return text(404, format("{}: no versions in the cache, and no upstream answered", request.module.path));
  }
  std::vector<std::string> sorted(versions.begin(), versions.end());
  gomod::semver::sort(sorted);
  Reply r;
  for (const auto& v : sorted) {
    r.body += v + "\n";
  }
  r.from_cache = true;
  return r;
}

} // namespace gpx::agent
