#include "git_source.hpp"

#include <agent/config.hpp>
#include <agent/proxy_list.hpp>
#include <agent/request.hpp>
#include <cache/atomic_file.hpp>
#include <cache/log.hpp>
#include <gomod/code_repo.hpp>
#include <gomod/format.hpp>
#include <gomod/module.hpp>
#include <gomod/semver.hpp>

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <fstream>
#include <optional>

namespace fs = std::filesystem;

namespace gpx::agent {

namespace {

// In a mirror: the (redacted) remote its last good fetch used.
constexpr const char* k_remote_file = "gpx-remote";
// In a mirror: its modification time is when a request last used it.
constexpr const char* k_used_file = "gpx-used";

bool
is_canonical_version(const std::string& v)
{
  return gomod::semver::is_valid(v) && gomod::canonical_version(v) == v;
}

UpstreamAnswer
not_found_answer(std::string reason)
{
  UpstreamAnswer a;
  a.status = 404;
  a.body = std::move(reason);
  a.origin = "direct";
  return a;
}

UpstreamAnswer
found_answer(std::string body, const std::string& origin)
{
  return UpstreamAnswer{true, 200, std::move(body), origin};
}

// The answer to request from a module's repository; a zip is built in
// tmp_dir and streamed to sink.
Result<UpstreamAnswer>
answer_from(const gomod::CodeRepo& code,
            const ProxyRequest& request,
            const HttpClient::Sink* sink,
            const fs::path& tmp_dir,
            const std::string& origin)
{
  const auto& version = request.module.version;
  auto to_answer = [&](const Result<std::string>& r) -> Result<UpstreamAnswer> {
    if (!r) {
      if (r.error().code == Error::Code::not_found
          || r.error().code == Error::Code::invalid) {
        return not_found_answer(r.error().message);
      }
      return r.error();
    }
    return found_answer(*r, origin);
  };
  auto info_answer = [&](const Result<gomod::CodeInfo>& info) {
    return to_answer(info ? Result<std::string>(gomod::info_json(*info))
                          : Result<std::string>(info.error()));
  };
  switch (request.endpoint) {
  case Endpoint::list: {
    auto vs = code.versions();
    if (!vs) {
      return to_answer(vs.error());
    }
    std::string body;
    for (const auto& v : *vs) {
      body += v + "\n";
    }
    return found_answer(body, origin);
  }
  case Endpoint::latest:
    return info_answer(code.latest());
  case Endpoint::info:
    return info_answer(code.stat(version));
  case Endpoint::mod:
    return to_answer(code.go_mod(version));
  case Endpoint::zip: {
    static std::atomic<unsigned> counter{0};
    fs::path tmp = tmp_dir / format(".zip-{}-{}", getpid(), counter++);
    if (auto made = code.zip(version, tmp); !made) {
      return to_answer(made.error());
    }
    std::ifstream in(tmp, std::ios::binary);
    std::string buf(1 << 16, '\0');
    Status written;
    while (written && in) {
      in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
      if (in.gcount() > 0 && sink != nullptr) {
        written = (*sink)(
          std::string_view(buf.data(), static_cast<std::size_t>(in.gcount())));
      }
    }
    in.close();
    std::error_code ec;
    fs::remove(tmp, ec);
    if (!written) {
      return written.error();
    }
    return found_answer("", origin);
  }
  case Endpoint::sumdb:
    break;
  }
  return not_found_answer("not a module request");
}

// Whether the last fetch is recent enough to answer from: within list_ttl,
// or for a forced refresh (after a miss) within a second, when a miss is a
// real miss.
bool
fetched_recently(
  const std::optional<std::chrono::steady_clock::time_point>& last_fetch,
  std::chrono::steady_clock::time_point now,
  bool force,
  std::chrono::seconds list_ttl)
{
  if (!last_fetch) {
    return false;
  }
  if (force) {
    return now - *last_fetch < std::chrono::seconds(1);
  }
  return now - *last_fetch < list_ttl;
}

// The mirror in dir, set to fetch url. A mirror is only a cache of its
// remote: one that cannot be opened (damaged by a full disk, say) is set
// aside and made anew.
Result<GitMirror>
open_mirror(const fs::path& dir,
            const std::string& url,
            const std::string& origin_name,
            const std::string& root)
{
  auto m = GitMirror::open(dir, url, origin_name);
  if (m) {
    return m;
  }
  GPX_LOG(warn,
          "git mirror unreadable, fetching it again root={} error={:?}",
          root,
          m.error().message);
  std::error_code ec;
  fs::remove_all(dir, ec);
  return GitMirror::open(dir, url, origin_name);
}

// The first failure, with each later one's message appended.
void
add_failure(std::optional<Error>& failures, const Error& e)
{
  if (!failures) {
    failures = e;
  } else {
    failures->message += "; then " + e.message;
  }
}

} // namespace

struct GitSource::Repo
{
  std::mutex mutex; // one user of the mirror at a time
  GitRepoLocation location;
  fs::path dir;
  std::optional<GitMirror> mirror;
  std::optional<std::chrono::steady_clock::time_point> last_fetch;
  bool has_data = false;   // the mirror holds refs from some fetch
  std::string working_url; // the remote the last good fetch used (this run or,
                           // remembered, an earlier one)
  std::optional<std::chrono::steady_clock::time_point> marked_used;

  // The candidate remotes, the one that worked last first.
  std::vector<GitRemote>
  remotes_in_order() const
  {
    std::vector<GitRemote> remotes = location.remotes;
    auto worked =
      std::find_if(remotes.begin(), remotes.end(), [&](const GitRemote& r) {
        return r.url == working_url;
      });
    if (worked != remotes.end()) {
      std::rotate(remotes.begin(), worked, worked + 1);
    }
    return remotes;
  }

  // The mirror as its last good fetch left it, named after the remote that
  // fetch used: for answering without the network.
  Result<GitMirror>
  open_as_before() const
  {
    auto first = remotes_in_order().front();
    return GitMirror::open(dir, first.url, first.origin);
  }

  // Offline: the mirror as it is, opened once.
  Status
  open_offline()
  {
    if (mirror) {
      return {};
    }
    auto m = open_as_before();
    if (!m) {
      return m.error();
    }
    mirror.emplace(std::move(*m));
    has_data = !mirror->refs().empty();
    return {};
  }

  // A good fetch from url: the mirror to answer from, and the remote to try
  // first from now on, in this run and (redacted: no credential is ever
  // written to the cache) the next.
  void
  fetched(GitMirror m,
          const std::string& url,
          std::chrono::steady_clock::time_point now)
  {
    mirror.emplace(std::move(m));
    working_url = url;
    last_fetch = now;
    has_data = true;
    (void)cache::write_file_atomic(dir / k_remote_file, redact_url(url) + "\n");
    GPX_LOG(info, "git fetched root={} url={}", location.root, redact_url(url));
  }

  // No remote reached: what the mirror has still answers (a plane, a VPN
  // down), opened as a previous run left it if need be; the next request
  // tries again. An error only when it has nothing.
  Status
  serve_as_is(const std::optional<Error>& failures)
  {
    if (!mirror) {
      auto m = open_as_before();
      if (!m) {
        return m.error();
      }
      mirror.emplace(std::move(*m));
    }
    has_data = has_data || !mirror->refs().empty();
    if (has_data) {
      GPX_LOG(warn,
              "git fetch failed, serving the mirror as it is root={} "
              "error={:?}",
              location.root,
              failures->message);
      return {};
    }
    return Error::upstream(failures->message);
  }
};

GitSource::GitSource(GitSourceOptions options)
  : m_options(std::move(options)),
    m_locator(m_options.rules, m_options.offline, m_options.http)
{
}

GitSourceOptions
git_source_options(const Config& config)
{
  GitSourceOptions o;
  o.dir = config.cache_dir / "git";
  o.auth.ssh_key = config.git_ssh_key;
  o.auth.credential_helper = config.git_credential_helper;
  o.auth.ca_file = config.ca_file;
  auto rules = parse_git_rules(config.git_remotes);
  o.rules = rules
              ? *rules
              : std::vector<GitRule>{}; // checked when the config was loaded
  o.list_ttl = config.list_ttl;
  o.mirror_max_age = config.git_mirror_max_age;
  o.offline = config.offline;
  o.http = http_client_options(config);
  return o;
}

void
GitSource::clear_stale()
{
  // The agent holds the cache's lock: any lock file git left in a mirror,
  // a pack half received or a zip half written is from a run that died
  // (kill -9, power loss); a lock file would block the next fetch.
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(m_options.dir, ec);
       !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    const auto name = it->path().filename().string();
    bool stale = name.ends_with(".lock") || name.starts_with(".zip-")
                 || name.starts_with("tmp_pack_")
                 || name.starts_with("tmp_idx_");
    if (it->is_regular_file(ec) && stale) {
      GPX_LOG(info,
              "removing a stale file a previous run left path={:?}",
              it->path().string());
      fs::remove(it->path(), ec);
    }
  }
}

GitSource::~GitSource() = default;

Result<GitRepoLocation>
GitSource::locate(const std::string& module_path)
{
  return m_locator.locate(module_path);
}

std::shared_ptr<GitSource::Repo>
GitSource::repo_for(const GitRepoLocation& where)
{
  std::lock_guard lock(m_mutex);
  auto& slot = m_repos[where.root];
  if (!slot) {
    slot = std::make_shared<Repo>();
    slot->location = where;
    // One flat directory per repository root ('%' never occurs in a module
    // path).
    auto escaped = gomod::escape_path(where.root);
    std::string name = escaped ? *escaped : where.root;
    std::ranges::replace(name, '/', '%');
    slot->dir = m_options.dir / name;
    // The remote that worked in a previous run is tried first again.
    if (auto remembered = cache::read_small_file(slot->dir / k_remote_file)) {
      for (const auto& r : where.remotes) {
        if (redact_url(r.url) + "\n" == *remembered) {
          slot->working_url = r.url;
        }
      }
    }
  }
  return slot;
}

Status
GitSource::refresh(Repo& repo, bool force)
{
  auto now = std::chrono::steady_clock::now();
  if (fetched_recently(repo.last_fetch, now, force, m_options.list_ttl)) {
    return {};
  }
  if (m_options.offline) {
    return repo.open_offline();
  }
  std::optional<Error> first_error; // and the others after it
  // A mirror that worked keeps its URL; otherwise each candidate in turn.
  for (const auto& [url, origin_name] : repo.remotes_in_order()) {
    auto m = open_mirror(repo.dir, url, origin_name, repo.location.root);
    if (!m) {
      return m.error();
    }
    auto fetched = m->fetch(m_options.auth);
    if (fetched) {
      repo.fetched(std::move(*m), url, now);
      return {};
    }
    add_failure(first_error, fetched.error());
  }
  return repo.serve_as_is(first_error);
}

void
GitSource::mark_used(Repo& repo)
{
  // At most once a minute: a file's time, not a write per request.
  auto now = std::chrono::steady_clock::now();
  if (repo.marked_used && now - *repo.marked_used < std::chrono::minutes(1)) {
    return;
  }
  std::error_code ec;
  fs::create_directories(repo.dir, ec);
  auto used = repo.dir / k_used_file;
  if (!fs::exists(used, ec)) {
    (void)cache::write_file_atomic(used, "");
  }
  fs::last_write_time(used, fs::file_time_type::clock::now(), ec);
  repo.marked_used = now;
}

int
GitSource::expire_unused()
{
  if (m_options.mirror_max_age.count() <= 0) {
    return 0;
  }
  int removed = 0;
  auto now = fs::file_time_type::clock::now();
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(m_options.dir, ec)) {
    if (!e.is_directory(ec) || e.path().filename().string().starts_with(".")) {
      continue;
    }
    // A mirror never marked (made before marks existed) counts from its
    // directory's own time.
    auto used = fs::last_write_time(e.path() / k_used_file, ec);
    if (ec) {
      used = fs::last_write_time(e.path(), ec);
    }
    if (ec || now - used < m_options.mirror_max_age) {
      continue;
    }
    // Not while a request holds it: the repository's own lock.
    std::shared_ptr<Repo> held;
    {
      std::lock_guard lock(m_mutex);
      for (auto it = m_repos.begin(); it != m_repos.end(); ++it) {
        if (it->second->dir == e.path()) {
          held = it->second;
          m_repos.erase(it);
          break;
        }
      }
    }
    std::unique_lock<std::mutex> repo_lock;
    if (held) {
      // A request already waiting for it starts over: it fetches again.
      repo_lock = std::unique_lock(held->mutex);
      held->mirror.reset();
      held->has_data = false;
      held->last_fetch.reset();
    }
    fs::remove_all(e.path(), ec);
    if (!ec) {
      ++removed;
      GPX_LOG(info,
              "git mirror unused for {}s removed path={:?}",
              m_options.mirror_max_age.count(),
              e.path().string());
    }
  }
  return removed;
}

Result<std::string>
GitSource::probe(const std::string& root)
{
  auto where = locate(root);
  if (!where) {
    return where.error();
  }
  auto repo = repo_for(*where);
  std::lock_guard lock(repo->mutex);
  std::string errors;
  for (const auto& r : repo->remotes_in_order()) {
    auto mirror = GitMirror::open(repo->dir, r.url, r.origin);
    if (!mirror) {
      return mirror.error();
    }
    auto answered = mirror->probe(m_options.auth);
    if (answered) {
      return redact_url(r.url);
    }
    errors += (errors.empty() ? "" : "; then ") + answered.error().message;
  }
  return Error::upstream(errors);
}

Result<UpstreamAnswer>
GitSource::get(const std::string& path, const HttpClient::Sink* sink)
{
  auto request = parse_request("/" + path);
  if (!request || request->endpoint == Endpoint::sumdb) {
    return not_found_answer(format("{}: not a module request", path));
  }
  const auto& mv = request->module;
  auto where = locate(mv.path);
  if (!where) {
    if (where.error().code == Error::Code::not_found) {
      return not_found_answer(where.error().message);
    }
    return where.error();
  }
  auto repo = repo_for(*where);
  std::lock_guard lock(repo->mutex);
  mark_used(*repo);

  // Canonical versions are tried on the mirror as it is first: a cached
  // version never needs the network. Lists and queries follow the remote.
  bool canonical = !mv.version.empty() && is_canonical_version(mv.version);
  if (!canonical || !repo->has_data) {
    if (auto ok = refresh(*repo, false); !ok) {
      return ok.error();
    }
  }
  if (!repo->mirror) {
    return not_found_answer(
      format("{}: no mirror of {}", mv.path, where->root));
  }
  std::string origin = repo->mirror->origin();

  auto answer = [&]() -> Result<UpstreamAnswer> {
    auto code =
      gomod::CodeRepo::make(*repo->mirror, mv.path, where->root, where->subdir);
    if (!code) {
      return not_found_answer(code.error().message);
    }
    return answer_from(*code, *request, sink, m_options.dir, origin);
  };

  auto first = answer();
  if (canonical && first && !first->found) {
    // Not in the mirror as it was: maybe pushed since the last fetch.
    if (auto ok = refresh(*repo, true); !ok) {
      return ok.error();
    }
    return answer();
  }
  return first;
}

} // namespace gpx::agent
