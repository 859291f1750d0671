#include "checksum_db.hpp"

#include <agent/proxy_list.hpp>
#include <cache/layout.hpp>
#include <cache/log.hpp>
#include <gomod/format.hpp>
#include <gomod/sumdb_tile.hpp>

namespace gpx::agent {

namespace {

constexpr std::uint64_t k_max_answer =
  1u << 20; // a lookup, a tile (8 KiB) or a tree head

Reply
plain(std::string body)
{
  Reply r;
  r.body = std::move(body);
  return r;
}

Reply
hit(Reply r)
{
  r.from_cache = true;
  return r;
}

} // namespace

Reply
text_reply(int status, std::string body)
{
  Reply r;
  r.status = status;
  r.body = std::move(body);
  if (r.body.empty() || r.body.back() != '\n') {
    r.body.push_back('\n');
  }
  return r;
}

ChecksumDb::ChecksumDb(cache::Store& store,
                       Upstream& upstream,
                       ChecksumDbOptions options)
  : m_store(store),
    m_upstream(upstream),
    m_options(std::move(options))
{
  if (m_options.proof.db.off) {
    return;
  }
  cache::SumdbStore::Remote remote;
  if (!m_options.offline) {
    remote = [this](const std::string& path) { return this->remote(path); };
  }
  m_ops = std::make_unique<cache::SumdbStore>(
    m_store, m_options.proof.db.name, std::move(remote));
  m_client = std::make_unique<gomod::sumdb::Client>(m_options.proof.db, *m_ops);
}

bool
ChecksumDb::checks(std::string_view module_path) const
{
  return m_client && m_options.proof.proves(module_path);
}

Result<gomod::GoSumEntry>
ChecksumDb::expected(const gomod::Version& mv)
{
  if (!checks(mv.path)) {
    return Error::internal(
      format("{}: not checked against a checksum database", mv.str()));
  }
  auto l = m_client->lookup(mv.path, mv.version, m_options.offline);
  if (!l) {
    return l.error();
  }
  return l->hashes;
}

std::string
ChecksumDb::base()
{
  {
    std::lock_guard lock(m_mutex);
    if (m_base_known) {
      return m_base;
    }
  }
  std::string found = m_options.proof.db.url;
  if (found.empty()) {
    // As the go command does: the first proxy in the chain that answers 200
    // to sumdb/NAME/supported serves the database; else the database itself.
    for (const auto& spec : m_upstream.chain()) {
      if (spec.kind != ProxySpec::Kind::url) {
        break;
      }
      auto r = m_upstream.get_url(
        spec.url + "/sumdb/" + m_options.proof.db.name + "/supported", 4096);
      if (r && r->status == 200) {
        found = spec.url + "/sumdb/" + m_options.proof.db.name;
        break;
      }
    }
  }
  if (found.empty()) {
    found = "https://" + m_options.proof.db.name;
  }
  m_ops->set_origin(redact_url(found));
  std::lock_guard lock(m_mutex);
  m_base = found;
  m_base_known = true;
  return m_base;
}

Result<std::string>
ChecksumDb::remote(const std::string& path)
{
  auto url = base() + "/" + path;
  auto r = m_upstream.get_url(url, k_max_answer);
  if (!r) {
    return r.error();
  }
  if (r->status == 200) {
    return std::move(r->body);
  }
  auto what = format("{} answered {}", redact_url(url), r->status);
  if (r->status == 404 || r->status == 410) {
    return Error::not_found(what);
  }
  return Error::upstream(what);
}

Reply
ChecksumDb::failed(const Error& e, std::string_view what, Metrics& metrics)
{
  metrics.add_upstream_error();
  if (e.message.starts_with("SECURITY ERROR")
      || e.message.find("\nSECURITY ERROR") != std::string::npos) {
    GPX_LOG(
      error, "checksum database {} stopped: {}", m_options.proof.db.name, what);
  } else {
    GPX_LOG(warn,
            "checksum database {} refused {} error={:?}",
            m_options.proof.db.name,
            what,
            e.message);
  }
  return text_reply(502, format("{}: {} (not cached)", what, e.message));
}

Reply
ChecksumDb::serve(const std::string& name,
                  const std::string& op,
                  Metrics& metrics)
{
  if (!m_client || name != m_options.proof.db.name) {
    return text_reply(
      404,
      format("checksum database {} is not proxied here (sumdb = {:?})",
             name,
             m_options.proof.db.off ? std::string("off")
                                    : m_options.proof.db.name));
  }
  if (op == "supported") {
    return serve_supported();
  }
  if (op == "latest") {
    return serve_latest(metrics);
  }
  if (op.starts_with("lookup/")) {
    return serve_lookup(op, metrics);
  }
  return serve_tile(op, metrics);
}

Reply
ChecksumDb::serve_supported()
{
  auto marker = m_ops->rel("supported");
  if (auto row = m_store.find(marker); row && row->has_value()) {
    return hit(text_reply(200, ""));
  }
  if (m_options.offline) {
    // Offline, a proven tree head is what makes the database usable.
    return m_client->latest().first.empty()
             ? text_reply(404,
                          format("checksum database {}: nothing proven in the "
                                 "cache, and the agent is offline",
                                 name()))
             : text_reply(200, "");
  }
  (void)base();
  m_ops->write_cache("supported", ""); // remembered for offline use
  return text_reply(200, "");
}

Reply
ChecksumDb::serve_latest(Metrics& metrics)
{
  bool fresh = false;
  if (!m_options.offline) {
    fresh = true;
    if (auto ok = m_client->refresh_latest(); !ok) {
      if (m_client->failure()) {
        return failed(ok.error(), format("{}/latest", name()), metrics);
      }
      // A database that does not answer now: the last proven head still is.
      GPX_LOG(warn,
              "checksum database {}: latest tree head not refreshed error={:?}",
              name(),
              ok.error().message);
      fresh = false;
    }
  }
  auto note = m_client->latest().first;
  if (note.empty()) {
    return text_reply(
      m_options.offline ? 404 : 502,
      format("checksum database {}: no proven tree head", name()));
  }
  Reply r = plain(std::move(note));
  r.from_cache = !fresh;
  return r;
}

Reply
ChecksumDb::serve_lookup(const std::string& op, Metrics& metrics)
{
  auto target = cache::sumdb_lookup_version(op);
  if (!target) {
    return text_reply(400,
                      format("invalid checksum database request {:?}", op));
  }
  if (!m_options.proof.private_patterns.empty()
      && gomod::match_prefix_patterns(m_options.proof.private_patterns,
                                      target->path)) {
    // A lookup would tell the checksum database the private module's name.
    return text_reply(404,
                      format("{}: a private module; not looked up in the "
                             "checksum database (set GONOSUMDB)",
                             target->path));
  }
  auto l = m_client->lookup(target->path, target->version, m_options.offline);
  if (!l) {
    if (l.error().code == Error::Code::not_found) {
      return text_reply(404, l.error().message);
    }
    return failed(l.error(), format("{}/{}", name(), op), metrics);
  }
  // Every answer carries the one latest tree head, so the go command needs
  // only that tree's tiles, which the proof has cached.
  Reply r =
    plain(m_client->lookup_answer(*l, m_options.offline).value_or(l->body));
  r.from_cache = l->from_cache;
  return r;
}

Reply
ChecksumDb::serve_tile(const std::string& op, Metrics& metrics)
{
  auto t = gomod::tlog::parse_tile_path(op);
  if (!t) {
    return text_reply(400,
                      format("invalid checksum database request {:?}", op));
  }
  if (t->l < 0) {
    // Record data tiles prove nothing by themselves; the go command never
    // asks for them. Passed through, never cached.
    if (m_options.offline) {
      return text_reply(
        404, format("{}/{}: not cached, and the agent is offline", name(), op));
    }
    auto data = remote(op);
    return data ? plain(std::move(*data))
                : failed(data.error(), format("{}/{}", name(), op), metrics);
  }
  if (auto cached = m_ops->read_cache(op)) {
    return hit(plain(std::move(*cached))); // only proven tiles are cached
  }
  auto data = m_client->tile(*t, m_options.offline);
  if (!data) {
    if (data.error().code == Error::Code::not_found) {
      return text_reply(404, data.error().message);
    }
    return failed(data.error(), format("{}/{}", name(), op), metrics);
  }
  Reply r = plain(std::move(*data));
  r.content_type = "application/octet-stream";
  return r;
}

} // namespace gpx::agent
