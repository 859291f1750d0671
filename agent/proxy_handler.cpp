#include "proxy_handler.hpp"

#include <cache/layout.hpp>
#include <cache/log.hpp>
#include <gomod/dirhash.hpp>
#include <gomod/format.hpp>
#include <gomod/gosum.hpp>
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

// A reply with a file that was just fetched: a miss, for the metrics.
Reply
fetched(Reply r)
{
  r.from_cache = false;
  return r;
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
  // A canonical version may only come back as itself, or with
  // "+incompatible" added (v2.0.0 of a module without go.mod, as the go
  // command's own direct mode resolves it).
  if (r.endpoint == Endpoint::info && gomod::canonical_version(r.module.version) == r.module.version
      && v != r.module.version && v != r.module.version + "+incompatible") {
    return make_error(Error::Code::upstream,
                      format("upstream answered {:?} for version {:?}", v, r.module.version));
  }
  return {};
}

// The hashes in a checksum database lookup answer: a record number line,
// go.sum lines, a blank line, the signed tree note.
std::optional<gomod::GoSumEntry>
lookup_hashes(const gomod::Version& mv, std::string_view body)
{
  auto first = body.find('\n');
  auto end = body.find("\n\n");
  if (first == std::string_view::npos || end == std::string_view::npos || end < first) {
    return std::nullopt;
  }
  auto sums = gomod::parse_go_sum("lookup", body.substr(first + 1, end - first));
  if (!sums) {
    return std::nullopt;
  }
  auto* e = sums->find(mv.path, mv.version);
  return e ? std::optional(*e) : std::nullopt;
}

// What a checksum database may be asked (golang.org/x/mod/sumdb): a lookup
// of a valid module version, or a tile "tile/H/L/NNN[/NNN…][.p/W]" (L may
// be "data"). Anything else never reaches a file name or an upstream.
Status
check_sumdb_op(std::string_view op)
{
  auto bad = [&] { return make_error(Error::Code::invalid, format("invalid checksum database request {:?}", op)); };
  if (op == "latest" || op == "supported") {
    return {};
  }
  if (op.starts_with("lookup/")) {
    return cache::sumdb_lookup_version(op) ? Status{} : bad();
  }
  if (!op.starts_with("tile/")) {
    return bad();
  }
  auto rest = op.substr(5);
  if (auto p = rest.find(".p/"); p != std::string_view::npos) {
    auto width = rest.substr(p + 3);
    if (width.empty() || width.size() > 3 || width.find_first_not_of("0123456789") != std::string_view::npos) {
      return bad();
    }
    rest = rest.substr(0, p);
  }
  int part = 0;
  for (std::size_t pos = 0; pos <= rest.size(); ++part) {
    auto slash = rest.find('/', pos);
    auto elem = rest.substr(pos, slash == std::string_view::npos ? std::string_view::npos : slash - pos);
    bool digits = !elem.empty() && elem.find_first_not_of("0123456789") == std::string_view::npos;
    bool x_digits = elem.size() == 4 && elem[0] == 'x' && elem.substr(1).find_first_not_of("0123456789") == std::string_view::npos;
    if (!(digits || (part == 1 && elem == "data") || (part >= 2 && x_digits)) || elem.size() > 4) {
      return bad();
    }
    if (slash == std::string_view::npos) {
      break;
    }
    pos = slash + 1;
  }
  return part >= 2 ? Status{} : bad();
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

ProxyHandler::~ProxyHandler()
{
  std::vector<std::future<void>> pending;
  {
    std::lock_guard lock(m_mutex);
    pending.swap(m_refreshes);
  }
  for (auto& f : pending) {
    f.wait();
  }
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
    return serve_sumdb(request);
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
  if (m_options.git == nullptr && is_private(request.module.path)) {
    // Never to an upstream proxy.
    return text(404, format("{}: a private module (private = {:?}), and this agent has no git source; "
                            "the go command fetches it itself (set GOPRIVATE, or run gpx init --private)",
                            request.module.path, m_options.private_patterns));
  }
  if (!mutable_answer) {
    // A canonical .info/.mod/.zip only ever appears in download/ by rename
    // after it was checked, and never changes: its file alone answers, and a
    // hit costs no index query.
    std::error_code ec;
    if (fs::is_regular_file(m_store.root() / rel, ec)) {
      return from_file(rel, ctype);
    }
  }
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
    if (m_options.git != nullptr && is_private(request.module.path)) {
      // The git source never fetches offline: it answers from its mirrors
      // what is not cached yet (a branch as last fetched, a commit hash).
      return fetch_shared(request, rel, mutable_answer, cached);
    }
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

  if (cached && m_options.stale_while_revalidate) {
    // Answer now from what we have; refresh once in the background.
    bool refreshing = false;
    {
      std::lock_guard lock(m_mutex);
      refreshing = m_flights.count(rel) != 0;
      std::erase_if(m_refreshes, [](auto& f) { return f.wait_for(std::chrono::seconds(0)) == std::future_status::ready; });
      if (!refreshing) {
        m_refreshes.push_back(std::async(std::launch::async, [this, request, rel, mutable_answer] {
          (void)fetch_shared(request, rel, mutable_answer, true);
        }));
      }
    }
    return from_file(rel, ctype);
  }
  return fetch_shared(request, rel, mutable_answer, cached);
}

Reply
ProxyHandler::fetch_shared(const ProxyRequest& request, const std::string& rel, bool mutable_answer, bool cached)
{
  auto ctype = content_type_for(request.endpoint);
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
    HttpClient::Sink sink = [&](std::string_view d) { return writer->write(d); };
    auto answer = source_get(request, path, &sink);
    m_metrics.add_fetched(static_cast<std::uint64_t>(writer->size()));
    if (!answer) {
      m_metrics.add_upstream_error();
      GPX_LOG(warn, "upstream failed path={:?} error={:?}", path, answer.error().message);
      return text(502, answer.error().message);
    }
    if (!answer->found) {
      return text(404, answer->body);
    }
    // Checked before it enters the cache: a truncated or rule-breaking zip
    // is an error for the client and leaves nothing behind.
    GPX_LOG(debug, "zip downloaded module={} version={} origin={} bytes={}", request.module.path, request.module.version, answer->origin, writer->size());
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
    if (auto known = known_hashes(request.module); known.zip_hash != "" && known.zip_hash != *h1) {
      return text(502, format("{}: checksum mismatch: the zip from {} hashes to {}, the checksum database has {}; "
                              "not cached (the upstream serves a corrupt or altered module)",
                              request.module.str(), answer->origin, *h1, known.zip_hash));
    }
    row.h1 = *h1;
    row.origin = answer->origin;
    auto size = writer->size();
    if (auto ok = m_store.commit(std::move(*writer), row); !ok) {
      GPX_LOG(error, "cache write failed path={:?} error={:?}", rel, ok.error().message);
      return text(500, ok.error().message);
    }
    GPX_LOG(info, "fetched module={} version={} kind=zip bytes={} origin={}", row.module, row.version, size, row.origin);
    return fetched(from_file(rel, ctype));
  }

  auto answer = source_get(request, path, nullptr);
  if (!answer) {
    m_metrics.add_upstream_error();
    GPX_LOG(warn, "upstream failed path={:?} error={:?}", path, answer.error().message);
    return text(502, answer.error().message);
  }
  m_metrics.add_fetched(answer->body.size());
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
    if (auto known = known_hashes(request.module); known.go_mod_hash != "" && known.go_mod_hash != row.h1) {
      return text(502, format("{}: checksum mismatch: the go.mod from {} hashes to {}, the checksum database has {}; "
                              "not cached (the upstream serves a corrupt or altered module)",
                              request.module.str(), answer->origin, row.h1, known.go_mod_hash));
    }
  }
  row.origin = answer->origin;
  GPX_LOG(info, "fetched module={} version={} kind={} bytes={} origin={}", row.module, row.version, row.kind, answer->body.size(), row.origin);
  if (auto ok = m_store.put(answer->body, row); !ok) {
    GPX_LOG(error, "cache write failed path={:?} error={:?}", rel, ok.error().message);
    // Could not cache (disk full …): still answer this request.
    Reply r = text(200, answer->body);
    r.body = answer->body;
    r.content_type = std::string(ctype);
    return r;
  }
  return fetched(from_file(rel, ctype));
}

bool
ProxyHandler::is_private(const std::string& module_path) const
{
  return !m_options.private_patterns.empty() && gomod::match_prefix_patterns(m_options.private_patterns, module_path);
}

Result<UpstreamAnswer>
ProxyHandler::source_get(const ProxyRequest& request, const std::string& path, const HttpClient::Sink* sink)
{
  if (is_private(request.module.path)) {
    return m_options.git->get(path, sink);
  }
  if (sink != nullptr) {
    return m_upstream.get_stream(path, *sink);
  }
  return m_upstream.get(path, k_max_small);
}

gomod::GoSumEntry
ProxyHandler::known_hashes(const gomod::Version& mv)
{
  gomod::GoSumEntry known;
  auto rows = m_store.with_index([&](auto& index) { return index.of_version(mv.path, mv.version); });
  if (!rows) {
    return known;
  }
  for (const auto& row : *rows) {
    if (row.kind != "sumdb" || row.path.find("/lookup/") == std::string::npos) {
      continue;
    }
    auto body = cache::read_small_file(m_store.root() / row.path);
    if (!body) {
      continue;
    }
    if (auto e = lookup_hashes(mv, *body)) {
      return *e;
    }
  }
  return known;
}

std::string
ProxyHandler::render_metrics()
{
  auto totals = m_store.with_index([](auto& index) { return index.totals(); });
  return m_metrics.render(totals ? totals->bytes : -1, totals ? totals->entries : -1);
}

std::string
ProxyHandler::sumdb_base(const std::string& name)
{
  {
    std::lock_guard lock(m_mutex);
    if (auto it = m_sumdb_bases.find(name); it != m_sumdb_bases.end()) {
      return it->second;
    }
  }
  std::string base;
  // As the go command does: the first proxy in the chain that answers 200
  // to sumdb/NAME/supported serves that database.
  for (const auto& spec : m_upstream.chain()) {
    if (spec.kind != ProxySpec::Kind::url) {
      break;
    }
    auto r = m_upstream.get_url(spec.url + "/sumdb/" + name + "/supported", 4096);
    if (r && r->status == 200) {
      base = spec.url + "/sumdb/" + name;
      break;
    }
  }
  if (base.empty()) {
    // Otherwise only the configured database, reached directly.
    std::string_view configured = m_options.sumdb;
    auto space = configured.find(' ');
    std::string_view cname = configured.substr(0, space);
    if (auto plus = cname.find('+'); plus != std::string_view::npos) {
      cname = cname.substr(0, plus);
    }
    if (cname == name && !name.empty()) {
      base = space == std::string_view::npos ? "https://" + name : std::string(configured.substr(space + 1));
      while (!base.empty() && base.back() == '/') {
        base.pop_back();
      }
    }
  }
  if (!base.empty()) {
    std::lock_guard lock(m_mutex);
    m_sumdb_bases[name] = base;
  }
  return base;
}

Reply
ProxyHandler::serve_sumdb(const ProxyRequest& request)
{
  // The name may itself contain slashes ("localhost.localdev/sumdb"), so
  // the operation is found from the right: …/supported, …/latest,
  // …/lookup/M@V, …/tile/H/L/N[.p/W].
  std::string full = request.sumdb_name + "/" + request.sumdb_path;
  std::string name;
  std::string op;
  if (full.ends_with("/supported")) {
    name = full.substr(0, full.size() - 10);
    op = "supported";
  } else if (full.ends_with("/latest")) {
    name = full.substr(0, full.size() - 7);
    op = "latest";
  } else if (auto l = full.find("/lookup/"); l != std::string::npos) {
    name = full.substr(0, l);
    op = full.substr(l + 1);
  } else if (auto t = full.find("/tile/"); t != std::string::npos) {
    name = full.substr(0, t);
    op = full.substr(t + 1);
  } else {
    return text(404, "unknown checksum database request");
  }
  if (name.empty() || name.front() == '/' || name.back() == '/') {
    return text(400, "invalid checksum database name");
  }
  if (auto ok = check_sumdb_op(op); !ok) {
    return text(400, ok.error().message);
  }
  auto target = cache::sumdb_lookup_version(op); // for a lookup, the module version it names
  if (target && is_private(target->path)) {
    // A lookup would tell the checksum database the private module's name.
    return text(404, format("{}: a private module; not looked up in the checksum database (set GONOSUMDB)", target->path));
  }
  std::string rel = "sumdb/" + full;
  auto now = unix_now();

  if (op == "supported") {
    auto row = m_store.find(rel);
    if (row && row->has_value()) {
      return text(200, "");
    }
    if (m_options.offline || sumdb_base(name).empty()) {
      return text(404, format("checksum database {} is not proxied here", name));
    }
    cache::ArtifactRow r{rel, "", "", "sumdb", 0, "", "", "", now, now, std::nullopt};
    (void)m_store.put("", r); // remembered for offline use; failure only costs a re-ask
    return text(200, "");
  }

  // latest and partial tiles grow; everything else is immutable.
  bool mutable_answer = op == "latest" || op.find(".p/") != std::string::npos;
  auto row = m_store.find(rel);
  if (!row) {
    return text(500, row.error().message);
  }
  bool cached = row->has_value();
  bool fresh = cached && (!(*row)->expires_at || *(*row)->expires_at > now);
  if (fresh || (cached && m_options.offline)) {
    return from_file(rel, "text/plain; charset=utf-8");
  }
  if (m_options.offline) {
    return text(404, format("{}: not in the cache, and the agent is offline", full));
  }
  auto base = sumdb_base(name);
  if (base.empty()) {
    return cached ? from_file(rel, "text/plain; charset=utf-8")
                  : text(404, format("checksum database {} is not proxied here", name));
  }
  auto res = m_upstream.get_url(base + "/" + op, k_max_small);
  if (res) {
    m_metrics.add_fetched(res->body.size());
  }
  if (!res || res->status >= 500 || (res->status != 200 && res->status != 404 && res->status != 410)) {
    m_metrics.add_upstream_error();
    if (cached) {
      return from_file(rel, "text/plain; charset=utf-8");
    }
    return text(502, res ? format("{}: upstream answered {}", full, res->status) : res.error().message);
  }
  if (res->status != 200) {
    return text(404, res->body.empty() ? "not found" : res->body);
  }
  cache::ArtifactRow r{rel, "", "", "sumdb", 0, "", "", redact_url(base), now, now, std::nullopt};
  if (target) {
    // Indexed by module version, so a later download of it is checked
    // against what the database said.
    r.module = target->path;
    r.version = target->version;
  }
  if (mutable_answer) {
    r.expires_at = now + m_options.list_ttl.count();
  }
  if (auto ok = m_store.put(res->body, r); !ok) {
    Reply direct = text(200, "");
    direct.body = res->body;
    return direct;
  }
  return fetched(from_file(rel, "text/plain; charset=utf-8"));
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
