#include "proxy_handler.hpp"

#include "heap.hpp"

#include <cache/clock.hpp>
#include <cache/layout.hpp>
#include <cache/log.hpp>
#include <cache/verify.hpp>
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

constexpr std::uint64_t k_max_small =
  16u << 20; // go.mod limit; info/list are far smaller

using cache::unix_now;

// A reply with a file that was just fetched: a miss, for the metrics.
Reply
fetched(Reply r)
{
  r.from_cache = false;
  return r;
}

// The upstream's "not here": its 403 and 410 passed through (the reason
// is the user's to read), anything else a 404.
Reply
not_found_reply(const UpstreamAnswer& answer)
{
  return text_reply(answer.status == 403 || answer.status == 410
                      ? static_cast<int>(answer.status)
                      : 404,
                    answer.body);
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

} // namespace

// An .info or @latest answer must name a valid version of this module (and
// the very version asked for, when a canonical one was asked for).
Status
validate_info(const ProxyRequest& r, std::string_view body)
{
  auto j = nlohmann::json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("Version")
      || !j["Version"].is_string()) {
    return Error::upstream(
      "upstream sent an .info that is not {\"Version\": …} JSON");
  }
  auto v = j["Version"].get<std::string>();
  GPX_TRY(gomod::check(r.module.path, v));
  if (gomod::canonical_version(v) != v) {
    return Error::upstream(
      format("upstream sent non-canonical version {:?}", v));
  }
  // A canonical version may only come back as itself, or with
  // "+incompatible" added (v2.0.0 of a module without go.mod, as the go
  // command's own direct mode resolves it).
  if (r.endpoint == Endpoint::info
      && gomod::canonical_version(r.module.version) == r.module.version
      && v != r.module.version && v != r.module.version + "+incompatible") {
    return Error::upstream(
      format("upstream answered {:?} for version {:?}", v, r.module.version));
  }
  return {};
}

// What a checksum database may be asked (golang.org/x/mod/sumdb): a lookup
// of a valid module version, or a tile "tile/H/L/NNN[/NNN…][.p/W]" (L may
// be "data"). Anything else never reaches a file name or an upstream.
Status
check_sumdb_op(std::string_view op)
{
  auto bad = [&] {
    return Error::invalid(format("invalid checksum database request {:?}", op));
  };
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
    if (width.empty() || width.size() > 3
        || width.find_first_not_of("0123456789") != std::string_view::npos) {
      return bad();
    }
    rest = rest.substr(0, p);
  }
  int part = 0;
  for (std::size_t pos = 0; pos <= rest.size(); ++part) {
    auto slash = rest.find('/', pos);
    auto elem = rest.substr(
      pos,
      slash == std::string_view::npos ? std::string_view::npos : slash - pos);
    bool digits =
      !elem.empty()
      && elem.find_first_not_of("0123456789") == std::string_view::npos;
    bool x_digits = elem.size() == 4 && elem[0] == 'x'
                    && elem.substr(1).find_first_not_of("0123456789")
                         == std::string_view::npos;
    if (!(digits || (part == 1 && elem == "data") || (part >= 2 && x_digits))
        || elem.size() > 4) {
      return bad();
    }
    if (slash == std::string_view::npos) {
      break;
    }
    pos = slash + 1;
  }
  return part >= 2 ? Status{} : bad();
}

struct ProxyHandler::Flight
{
  std::mutex mutex;
  std::condition_variable done_cv;
  bool done = false;
  Reply reply;
};

ProxyHandler::ProxyHandler(cache::Store& store,
                           Upstream& upstream,
                           HandlerOptions options)
  : m_store(store),
    m_upstream(upstream),
    m_options(options),
    m_checksum(
      store,
      upstream,
      ChecksumDbOptions{
        {options.sumdb, options.private_patterns, options.nosumdb_patterns},
        options.offline})
{
  if (m_options.sumdb.off) {
    return;
  }
  // What an older gpx cached without proof is proven on first use.
  auto rows =
    m_store.with_index([](auto& index) { return index.unproven_artifacts(); });
  if (rows) {
    for (const auto& r : *rows) {
      m_unproven.insert(r.path);
    }
    m_has_unproven = !m_unproven.empty();
  }
  if (!m_unproven.empty()) {
    GPX_LOG(info,
            "cached module files to prove against checksum database {} on "
            "first use: {}",
            m_checksum.name(),
            m_unproven.size());
  }
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
  Result<fs::path> rel_path = Error::internal("unreachable");
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
    mutable_answer = gomod::canonical_version(request.module.version)
                     != request.module.version;
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
    return text_reply(400, rel_path.error().message);
  }
  return serve(request, rel_path->string(), mutable_answer);
}

Reply
ProxyHandler::serve(const ProxyRequest& request,
                    const std::string& rel,
                    bool mutable_answer)
{
  auto ctype = content_type_for(request.endpoint);
  if (m_options.git == nullptr && is_private(request.module.path)) {
    // Never to an upstream proxy.
    return text_reply(404,
                      format("{}: a private module (private = {:?}), and this "
                             "agent has no git source; "
                             "the go command fetches it itself (set GOPRIVATE, "
                             "or run gpx init --private)",
                             request.module.path,
                             m_options.private_patterns));
  }
  if (request.head && request.endpoint == Endpoint::zip) {
    return head_zip(request, rel);
  }
  if (!mutable_answer) {
    // A canonical .info/.mod/.zip only ever appears in download/ by rename
    // after it was checked, and never changes: its file alone answers, and a
    // hit costs no index query.
    std::error_code ec;
    if (fs::is_regular_file(m_store.root() / rel, ec)
        && prove_cached(request, rel)) {
      return from_file(rel, ctype);
    }
  }
  auto row = m_store.find(rel);
  if (!row) {
    return text_reply(500, row.error().message);
  }
  bool cached = row->has_value();
  bool fresh =
    cached && (!(*row)->expires_at || *(*row)->expires_at > unix_now());
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
    return text_reply(404,
                      format("{}: not in the cache, and the agent is offline",
                             request.module.str()));
  }
  {
    std::lock_guard lock(m_mutex);
    if (auto it = m_negative.find(rel); it != m_negative.end()) {
      if (it->second > std::chrono::steady_clock::now()) {
        return text_reply(404,
                          format("{}: not found (remembered upstream answer)",
                                 request.module.str()));
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
      std::erase_if(m_refreshes, [](auto& f) {
        return f.wait_for(std::chrono::seconds(0)) == std::future_status::ready;
      });
      if (!refreshing) {
        m_refreshes.push_back(
          std::async(std::launch::async, [this, request, rel, mutable_answer] {
            (void)fetch_shared(request, rel, mutable_answer, true);
          }));
      }
    }
    return from_file(rel, ctype);
  }
  return fetch_shared(request, rel, mutable_answer, cached);
}

Reply
ProxyHandler::head_zip(const ProxyRequest& request, const std::string& rel)
{
  Reply r;
  r.content_type = std::string(content_type_for(Endpoint::zip));
  std::error_code ec;
  auto size = fs::file_size(m_store.root() / rel, ec);
  if (!ec) {
    r.length = static_cast<std::int64_t>(size);
    r.from_cache = true;
    return r;
  }
  if (m_options.offline) {
    return text_reply(404,
                      format("{}: not in the cache, and the agent is offline",
                             request.module.str()));
  }
  {
    std::lock_guard lock(m_mutex);
    if (auto it = m_negative.find(rel);
        it != m_negative.end()
        && it->second > std::chrono::steady_clock::now()) {
      return text_reply(404,
                        format("{}: not found (remembered upstream answer)",
                               request.module.str()));
    }
  }
  if (is_private(request.module.path)) {
    // A zip from git has no size before it is built; the GET builds it.
    return r;
  }
  std::string path = rel.substr(std::string_view("download/").size());
  auto answer = m_upstream.head(path);
  if (!answer) {
    return upstream_failed("upstream HEAD failed", path, answer.error());
  }
  if (!answer->found) {
    return text_reply(404, answer->body);
  }
  // Beyond the zip limit the GET would be refused: no size to plan with.
  if (answer->length >= 0
      && static_cast<std::uint64_t>(answer->length) <= m_options.max_zip_size) {
    r.length = answer->length;
  }
  return r;
}

Reply
ProxyHandler::fetch_shared(const ProxyRequest& request,
                           const std::string& rel,
                           bool mutable_answer,
                           bool cached)
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
  if (request.endpoint == Endpoint::zip) {
    // Streamed as it arrives: whoever asks during the transfer reads the
    // same stream; the flight ends with the download (end_flight).
    Reply reply = start_zip(request, rel);
    {
      std::lock_guard lock(flight->mutex);
      flight->reply = reply;
      flight->done = true;
    }
    flight->done_cv.notify_all();
    return reply;
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
    if (reply.status == 404 || reply.status == 410) {
      m_negative[rel] =
        std::chrono::steady_clock::now() + m_options.negative_ttl;
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

cache::ArtifactRow
ProxyHandler::new_row(const ProxyRequest& request,
                      const std::string& rel,
                      bool mutable_answer) const
{
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
  // Private modules' trust is their git remote's; public ones are proven.
  row.proven = is_private(request.module.path);
  return row;
}

std::future<Result<gomod::GoSumEntry>>
ProxyHandler::start_proof(const ProxyRequest& request, cache::ArtifactRow& row)
{
  // The proof is fetched alongside the download: a cold miss waits for the
  // slower of the two, not for both in turn.
  if ((request.endpoint != Endpoint::zip && request.endpoint != Endpoint::mod)
      || !m_checksum.checks(request.module.path)) {
    return {};
  }
  row.proven = true; // once mismatch() finds nothing
  return std::async(std::launch::async, [this, mv = request.module] {
    return m_checksum.expected(mv);
  });
}

Reply
ProxyHandler::start_zip(const ProxyRequest& request, const std::string& rel)
{
  auto row = new_row(request, rel, false);
  auto expected = start_proof(request, row);
  auto writer = m_store.begin_write();
  if (!writer) {
    end_flight(rel, 500);
    return text_reply(500, writer.error().message);
  }
  auto stream = std::make_shared<InFlight>(writer->tmp_path());
  auto job = [this,
              request,
              rel,
              row = std::move(row),
              expected = std::move(expected),
              writer = std::move(*writer),
              stream]() mutable {
    // The temporary goes with download_zip, before readers learn the end.
    Reply end = download_zip(
      request, rel, std::move(row), expected, std::move(writer), *stream);
    stream->finish(end.status == 200, end);
    end_flight(rel, end.status);
    // The checks of a large zip (a record per file) leave freed heap that
    // glibc keeps for later: the agent returns to its idle size instead.
    give_back_heap();
  };
  {
    std::lock_guard lock(m_mutex);
    std::erase_if(m_refreshes, [](auto& f) {
      return f.wait_for(std::chrono::seconds(0)) == std::future_status::ready;
    });
    m_refreshes.push_back(std::async(std::launch::async, std::move(job)));
  }
  // The answer starts with the first byte; a download that ends before one
  // (not found, an upstream error) answers as it would have unstreamed.
  while (true) {
    auto st = stream->wait_beyond(0, std::chrono::seconds(1));
    if (st.available > 0) {
      Reply r;
      r.content_type = std::string(content_type_for(Endpoint::zip));
      r.stream = stream;
      return r;
    }
    if (st.done) {
      return st.ok ? fetched(from_file(rel, content_type_for(Endpoint::zip)))
                   : stream->error_reply();
    }
  }
}

void
ProxyHandler::end_flight(const std::string& rel, int status)
{
  std::lock_guard lock(m_mutex);
  m_flights.erase(rel);
  if (status == 404 || status == 410) {
    m_negative[rel] = std::chrono::steady_clock::now() + m_options.negative_ttl;
  }
}

Reply
ProxyHandler::upstream_failed(std::string_view what,
                              const std::string& path,
                              const Error& e)
{
  m_metrics.add_upstream_error();
  GPX_LOG(warn, "{} path={:?} error={:?}", what, path, e.message);
  return text_reply(502, e.message);
}

Reply
ProxyHandler::download_zip(const ProxyRequest& request,
                           const std::string& rel,
                           cache::ArtifactRow row,
                           std::future<Result<gomod::GoSumEntry>>& expected,
                           cache::Writer writer,
                           InFlight& stream)
{
  std::string path = rel.substr(std::string_view("download/").size());
  HttpClient::Sink sink = [&](std::string_view d) -> Status {
    if (static_cast<std::uint64_t>(writer.size()) + d.size()
        > m_options.max_zip_size) {
      return Error::upstream(
        format("{}: the zip is larger than the module zip limit ({} bytes); "
               "abandoned, nothing cached",
               request.module.str(),
               m_options.max_zip_size));
    }
    GPX_TRY(writer.write(d));
    stream.wrote(writer.size());
    return {};
  };
  auto answer = source_get(request, path, &sink);
  m_metrics.add_fetched(static_cast<std::uint64_t>(writer.size()));
  if (!answer) {
    return upstream_failed("upstream failed", path, answer.error());
  }
  if (!answer->found) {
    return not_found_reply(*answer);
  }
  // Checked before it enters the cache: a truncated, rule-breaking or
  // unproven zip is an error for the client (whose answer is cut short if
  // it has begun) and leaves nothing behind.
  GPX_LOG(debug,
          "zip downloaded module={} version={} origin={} bytes={}",
          request.module.path,
          request.module.version,
          answer->origin,
          writer.size());
  auto bad = [&](const std::string& why) {
    GPX_LOG(warn,
            "refused module={} version={} kind=zip origin={} why={:?}",
            request.module.path,
            request.module.version,
            answer->origin,
            why);
    return text_reply(
      502,
      format(
        "{}: bad zip from {}: {}", request.module.str(), answer->origin, why));
  };
  auto h1 = gomod::zip::checked_h1(request.module, writer.tmp_path());
  if (!h1) {
    return bad(h1.error().message);
  }
  if (auto why = mismatch(request, expected, *h1, answer->origin);
      !why.empty()) {
    return text_reply(502, why);
  }
  row.h1 = *h1;
  row.origin = answer->origin;
  auto size = writer.size();
  if (auto ok = m_store.commit(std::move(writer), row); !ok) {
    GPX_LOG(error,
            "cache write failed path={:?} error={:?}",
            rel,
            ok.error().message);
    // Not cached (a full disk …), but every byte passed and its readers
    // still hold them: they get their zip.
    stream.finish(true);
    return text_reply(500, ok.error().message);
  }
  GPX_LOG(info,
          "fetched module={} version={} kind=zip bytes={} origin={}",
          row.module,
          row.version,
          size,
          row.origin);
  return fetched(from_file(rel, content_type_for(Endpoint::zip)));
}

Reply
ProxyHandler::fetch(const ProxyRequest& request,
                    const std::string& rel,
                    bool mutable_answer)
{
  auto ctype = content_type_for(request.endpoint);
  std::string path = rel.substr(std::string_view("download/").size());
  auto row = new_row(request, rel, mutable_answer);
  auto expected = start_proof(request, row);

  auto answer = source_get(request, path, nullptr);
  if (!answer) {
    return upstream_failed("upstream failed", path, answer.error());
  }
  m_metrics.add_fetched(answer->body.size());
  if (!answer->found) {
    return not_found_reply(*answer);
  }
  if (request.endpoint == Endpoint::info
      || request.endpoint == Endpoint::latest) {
    if (auto ok = validate_info(request, answer->body); !ok) {
      return text_reply(502,
                        format("{}: {}: {}",
                               request.module.str(),
                               answer->origin,
                               ok.error().message));
    }
  }
  if (request.endpoint == Endpoint::mod) {
    row.h1 = gomod::dirhash::hash_go_mod(answer->body);
    if (auto why = mismatch(request, expected, row.h1, answer->origin);
        !why.empty()) {
      return text_reply(502, why);
    }
  }
  row.origin = answer->origin;
  GPX_LOG(info,
          "fetched module={} version={} kind={} bytes={} origin={}",
          row.module,
          row.version,
          row.kind,
          answer->body.size(),
          row.origin);
  if (auto ok = m_store.put(answer->body, row); !ok) {
    GPX_LOG(error,
            "cache write failed path={:?} error={:?}",
            rel,
            ok.error().message);
    // Could not cache (disk full …): still answer this request.
    Reply r = text_reply(200, answer->body);
    r.body = answer->body;
    r.content_type = std::string(ctype);
    return r;
  }
  return fetched(from_file(rel, ctype));
}

std::string
ProxyHandler::mismatch(const ProxyRequest& request,
                       std::future<Result<gomod::GoSumEntry>>& expected,
                       const std::string& h1,
                       const std::string& origin)
{
  if (!expected.valid()) {
    return "";
  }
  auto want = expected.get();
  std::string what = request.endpoint == Endpoint::zip ? "zip" : "go.mod";
  std::string why;
  if (!want) {
    why = format(
      "{}: cannot prove the {} from {} against checksum database {}: {}; not "
      "cached{}",
      request.module.str(),
      what,
      origin,
      m_checksum.name(),
      want.error().message,
      want.error().code == Error::Code::not_found
        ? " (a module no public checksum database knows belongs in the nosumdb "
          "or private setting)"
        : "");
  } else {
    const auto& sum =
      request.endpoint == Endpoint::zip ? want->zip_hash : want->go_mod_hash;
    if (sum != h1) {
      why = format(
        "{}: checksum mismatch: the {} from {} hashes to {}, checksum database "
        "{} has {:?}; "
        "not cached (the upstream serves a corrupt or altered module)",
        request.module.str(),
        what,
        origin,
        h1,
        m_checksum.name(),
        sum);
    }
  }
  if (!why.empty()) {
    m_metrics.add_upstream_error();
    GPX_LOG(warn,
            "refused module={} version={} kind={} origin={} why={:?}",
            request.module.path,
            request.module.version,
            what,
            origin,
            why);
  }
  return why;
}

bool
ProxyHandler::prove_cached(const ProxyRequest& request, const std::string& rel)
{
  if (!m_has_unproven.load(std::memory_order_relaxed)) {
    return true;
  }
  {
    std::lock_guard lock(m_unproven_mutex);
    if (m_unproven.count(rel) == 0) {
      return true;
    }
  }
  auto done = [&](bool keep) {
    std::lock_guard lock(m_unproven_mutex);
    m_unproven.erase(rel);
    m_has_unproven = !m_unproven.empty();
    return keep;
  };
  if (!m_checksum.checks(request.module.path)) {
    (void)m_store.mark_proven(rel);
    return done(true);
  }
  auto want = m_checksum.expected(request.module);
  if (!want) {
    // Offline with no record at hand: the go command still checks go.sum;
    // proven once the database can be asked.
    GPX_LOG(warn,
            "cannot prove cached file yet path={:?} error={:?}",
            rel,
            want.error().message);
    return true;
  }
  bool zip = request.endpoint == Endpoint::zip;
  auto h1 = cache::artifact_h1(zip ? "zip" : "mod", m_store.root() / rel);
  const auto& sum = zip ? want->zip_hash : want->go_mod_hash;
  if (h1 && *h1 == sum) {
    (void)m_store.mark_proven(rel);
    return done(true);
  }
  GPX_LOG(error,
          "evicted a cached file that does not match checksum database {} "
          "path={:?} h1={} want={}",
          m_checksum.name(),
          rel,
          h1 ? *h1 : h1.error().message,
          sum);
  (void)m_store.remove(rel);
  return done(false);
}

bool
ProxyHandler::is_private(const std::string& module_path) const
{
  return !m_options.private_patterns.empty()
         && gomod::match_prefix_patterns(m_options.private_patterns,
                                         module_path);
}

Result<UpstreamAnswer>
ProxyHandler::source_get(const ProxyRequest& request,
                         const std::string& path,
                         const HttpClient::Sink* sink)
{
  if (is_private(request.module.path)) {
    return m_options.git->get(path, sink);
  }
  if (sink != nullptr) {
    return m_upstream.get_stream(path, *sink);
  }
  return m_upstream.get(path, k_max_small);
}

std::string
ProxyHandler::render_metrics()
{
  auto totals = m_store.with_index([](auto& index) { return index.totals(); });
  return m_metrics.render(totals ? totals->bytes : -1,
                          totals ? totals->entries : -1);
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
    return text_reply(404, "unknown checksum database request");
  }
  if (name.empty() || name.front() == '/' || name.back() == '/') {
    return text_reply(400, "invalid checksum database name");
  }
  if (auto ok = check_sumdb_op(op); !ok) {
    return text_reply(400, ok.error().message);
  }
  return m_checksum.serve(name, op, m_metrics);
}

Reply
ProxyHandler::offline_list(const ProxyRequest& request)
{
  // The versions whose .mod, .info or .zip are cached: what an offline go
  // command can actually use. Pseudo-versions are never listed (protocol).
  auto dir = cache::list_path(request.module.path);
  if (!dir) {
    return text_reply(400, dir.error().message);
  }
  auto prefix = dir->parent_path().string() + "/";
  auto rows =
    m_store.with_index([&](auto& index) { return index.with_prefix(prefix); });
  if (!rows) {
    return text_reply(500, rows.error().message);
  }
  std::set<std::string> versions;
  for (const auto& r : *rows) {
    if ((r.kind == "mod" || r.kind == "zip" || r.kind == "info")
        && gomod::canonical_version(r.version) == r.version
        && !gomod::is_pseudo_version(r.version) && !r.version.empty()) {
      versions.insert(r.version);
    }
  }
  if (versions.empty()) {
    return text_reply(
      404,
      format("{}: no versions in the cache, and no upstream answered",
             request.module.path));
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
