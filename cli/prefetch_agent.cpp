#include "prefetch_agent.hpp"

#include <gomod/format.hpp>

#include <fstream>
#include <memory>

namespace fs = std::filesystem;

namespace gpx::cli {

namespace {

constexpr std::uint64_t k_max_small = 16u
                                      << 20; // the go command's go.mod limit

std::string
refusal(const gomod::Version& m,
        std::string_view what,
        const agent::HttpResponse& r)
{
  auto reason = r.body.substr(0, r.body.find('\n'));
  return format(
    "{}{}: the agent answered {}: {}", m.str(), what, r.status, reason);
}

} // namespace

std::string
module_url(const std::string& agent_url,
           const gomod::Version& m,
           std::string_view ext)
{
  auto path = gomod::escape_path(m.path);
  auto version = gomod::escape_version(m.version);
  return format("{}/{}/@v/{}{}",
                agent_url,
                path ? *path : m.path,
                version ? *version : m.version,
                ext);
}

AgentFiles::AgentFiles(std::string url)
  : m_url(std::move(url))
{
}

agent::HttpClient&
AgentFiles::client()
{
  // libcurl handles are one per thread; each keeps its connection alive.
  thread_local std::map<const AgentFiles*, std::unique_ptr<agent::HttpClient>>
    clients;
  auto& c = clients[this];
  if (!c) {
    c = std::make_unique<agent::HttpClient>();
  }
  return *c;
}

void
AgentFiles::note(const gomod::Version& m, bool from_cache)
{
  std::lock_guard lock(m_mutex);
  auto& missed = m_missed[m.str()];
  missed = missed || !from_cache;
}

void
AgentFiles::note(const gomod::Version& m, const agent::HttpResponse& r)
{
  if (r.status != 200) {
    return;
  }
  auto it = r.headers.find("x-cache");
  // An agent that does not say is taken at its word: nothing fetched.
  note(m, it == r.headers.end() || it->second != "MISS");
}

bool
AgentFiles::fetched(const gomod::Version& m) const
{
  std::lock_guard lock(m_mutex);
  auto it = m_missed.find(m.str());
  return it != m_missed.end() && it->second;
}

Result<std::string>
AgentFiles::get(const gomod::Version& m, std::string_view ext)
{
  auto r = client().get(module_url(m_url, m, ext), k_max_small);
  if (!r) {
    return r.error();
  }
  m_bytes += static_cast<std::int64_t>(r->body.size());
  note(m, *r);
  if (r->status != 200) {
    auto why = refusal(m, ext, *r);
    return r->status == 404 || r->status == 410 ? Error::not_found(why)
                                                : Error::upstream(why);
  }
  return std::move(r->body);
}

Result<std::int64_t>
AgentFiles::get_zip(const gomod::Version& m, const fs::path& file)
{
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  if (!out) {
    return Error::io(format("cannot write {}", file.string()));
  }
  std::int64_t got = 0;
  auto r = client().get_stream(
    module_url(m_url, m, ".zip"), [&](std::string_view d) -> Status {
      out.write(d.data(), static_cast<std::streamsize>(d.size()));
      got += static_cast<std::int64_t>(d.size());
      return out ? Status{}
                 : Error::io(format("cannot write {}", file.string()));
    });
  m_bytes += got;
  if (!r) {
    return r.error();
  }
  note(m, *r);
  if (r->status != 200) {
    return Error::upstream(refusal(m, ".zip", *r));
  }
  out.close();
  if (!out) {
    return Error::io(format("cannot write {}", file.string()));
  }
  return got;
}

AgentFiles::ZipHead
AgentFiles::zip_head(const gomod::Version& m)
{
  ZipHead h;
  auto r = client().head(module_url(m_url, m, ".zip"));
  if (!r || r->status != 200) {
    return h;
  }
  auto it = r->headers.find("x-cache");
  h.cached = it == r->headers.end() || it->second != "MISS";
  // No module zip is empty (its end record alone is 22 bytes): a 0 is an
  // agent that knows no size.
  h.size = r->content_length > 0 ? r->content_length : -1;
  return h;
}

Result<agent::HttpResponse>
AgentFiles::get_url(const std::string& url, std::uint64_t max_body)
{
  auto r = client().get(url, max_body);
  if (r) {
    m_bytes += static_cast<std::int64_t>(r->body.size());
  }
  return r;
}

} // namespace gpx::cli
