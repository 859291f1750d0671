#include "doctor_checks.hpp"

#include "agent_control.hpp"
#include "go_env.hpp"
#include "settings.hpp"
#include "wording.hpp"

#include <agent/curl_api.hpp>
#include <agent/git2_api.hpp>
#include <agent/git_source.hpp>
#include <agent/proxy_list.hpp>
#include <gomod/format.hpp>
#include <gomod/module.hpp>

#include <unistd.h>

#include <algorithm>
#include <filesystem>

namespace fs = std::filesystem;

namespace gpx::cli {

namespace {

Check
ok(std::string name, std::string message)
{
  return Check{std::move(name), Check::Level::ok, std::move(message), ""};
}

Check
warn(std::string name, std::string message, std::string fix)
{
  return Check{
    std::move(name), Check::Level::warn, std::move(message), std::move(fix)};
}

Check
bad(std::string name, std::string message, std::string fix)
{
  return Check{
    std::move(name), Check::Level::fail, std::move(message), std::move(fix)};
}

const EnvOverride*
find_override(const std::vector<EnvOverride>& overrides, std::string_view name)
{
  auto it = std::find_if(overrides.begin(),
                         overrides.end(),
                         [&](const EnvOverride& o) { return o.name == name; });
  return it == overrides.end() ? nullptr : &*it;
}

Check
from_override(const EnvOverride& o, Check::Level level)
{
  return Check{
    "environment." + o.name, level, override_message(o), override_fix(o)};
}

} // namespace

Checks
judge_goproxy(std::string_view goproxy,
              std::string_view agent_url,
              const std::vector<EnvOverride>& overrides)
{
  std::string url(agent_url);
  auto agent_first = [&](std::string_view list) {
    return list == url || list.starts_with(url + "|")
           || list.starts_with(url + ",");
  };
  if (agent_first(goproxy)) {
    return {ok("go_env.GOPROXY",
               format("go env GOPROXY goes to the agent first: {}",
                      redact_list(goproxy)))};
  }
  if (const auto* o = find_override(overrides, "GOPROXY")) {
    auto c = from_override(*o, Check::Level::fail);
    if (!o->file_value || !agent_first(*o->file_value)) {
      c.fix +=
        "; then run 'gpx init', since go env -w does not name the agent either";
    }
    return {c};
  }
  return {bad("go_env.GOPROXY",
              format("go env GOPROXY is {}, not the agent ({})",
                     redact_list(goproxy),
                     agent_url),
              "run 'gpx init' (it keeps the upstream as a fallback)")};
}

Checks
judge_private(std::string_view goprivate,
              std::string_view gonoproxy,
              std::string_view private_patterns,
              const std::vector<EnvOverride>& overrides)
{
  Checks out;
  if (private_patterns.empty()) {
    return out;
  }
  if (goprivate.find(private_patterns) == std::string_view::npos) {
    if (const auto* o = find_override(overrides, "GOPRIVATE")) {
      out.push_back(from_override(*o, Check::Level::fail));
    } else {
      out.push_back(
        bad("go_env.GOPRIVATE",
            format("go env GOPRIVATE ({}) does not cover the config's private "
                   "modules ({})",
                   goprivate,
                   private_patterns),
            "run 'gpx init' so private modules never reach a public proxy"));
    }
  } else {
    out.push_back(
      ok("go_env.GOPRIVATE",
         format("private modules ({}) are in GOPRIVATE", private_patterns)));
  }
  // GONOPROXY defaults to GOPRIVATE: then the go command fetches private
  // modules from git itself, every time, and the agent never sees them.
  auto effective = gonoproxy.empty() ? goprivate : gonoproxy;
  if (!effective.empty()
      && effective.find(private_patterns) != std::string_view::npos) {
    if (const auto* o = find_override(overrides, "GONOPROXY")) {
      out.push_back(from_override(*o, Check::Level::warn));
    } else {
      out.push_back(warn("go_env.GONOPROXY",
                         format("go env GONOPROXY ({}) sends private modules "
                                "straight to git, past the agent",
                                effective),
                         "run 'gpx init' (it sets GONOPROXY=none: the agent "
                         "serves private modules from git and caches them)"));
    }
  }
  return out;
}

Checks
judge_overrides(const std::vector<EnvOverride>& overrides, const Checks& so_far)
{
  Checks out;
  for (const auto& o : overrides) {
    auto name = "environment." + o.name;
    bool reported = std::any_of(so_far.begin(),
                                so_far.end(),
                                [&](const Check& c) { return c.name == name; });
    // Where go env -w wrote nothing, or the same, the environment hides
    // nothing.
    if (reported || !o.file_value || *o.file_value == o.env_value) {
      continue;
    }
    out.push_back(from_override(o, Check::Level::warn));
  }
  return out;
}

Check
judge_cache_size(const std::string& dir,
                 std::int64_t bytes,
                 std::uint64_t max_size)
{
  if (max_size > 0 && static_cast<std::uint64_t>(bytes) > max_size) {
    return warn("cache",
                format("cache holds {}, over max_size {}",
                       human_size(bytes),
                       human_size(static_cast<std::int64_t>(max_size))),
                "the agent prunes it when it runs; or 'gpx prune'");
  }
  return ok("cache", format("cache {}: {}", dir, human_size(bytes)));
}

Check
judge_upstream(const std::string& redacted_url,
               const Result<agent::HttpResponse>& answer)
{
  if (!answer) {
    return bad("upstream",
               format("upstream {} is unreachable: {}",
                      redacted_url,
                      answer.error().message),
               "check the network, HTTPS_PROXY/NO_PROXY, ca_file");
  }
  if (answer->status == 401 || answer->status == 403 || answer->status == 407) {
    return bad(
      "upstream",
      format("upstream {} refuses the credentials ({})",
             redacted_url,
             answer->status),
      "check ~/.netrc (or NETRC) for its host, or the proxy's credentials");
  }
  return ok("upstream", format("upstream {} answers", redacted_url));
}

Checks
check_go(const agent::Config& config)
{
  auto go = go_env_values({"GOVERSION", "GOPROXY", "GOPRIVATE", "GONOPROXY"});
  if (!go) {
    return {bad(
      "go", "go: not found or not working", "install Go and put it on PATH")};
  }
  Checks out{ok("go", format("go: {}", (*go)[0]))};
  auto file = read_go_env_file();
  auto overrides = go_env_overrides(file ? *file : GoEnvFile{});
  auto add = [&](Checks more) {
    out.insert(out.end(), more.begin(), more.end());
  };
  add(judge_goproxy((*go)[1], "http://" + config.listen, overrides));
  add(judge_private((*go)[2], (*go)[3], config.private_patterns, overrides));
  add(judge_overrides(overrides, out));
  return out;
}

Check
check_agent(const agent::Config& config)
{
  auto url = "http://" + config.listen;
  if (!answers_healthz(url)) {
    return bad(
      "agent",
      format("no agent answers at {}", url),
      "run 'gpx agent start' (and 'gpx agent logs' if it will not start)");
  }
  auto paths = agent_paths();
  auto running = paths ? find_agent_for(*paths, config.cache_dir, config.listen)
                       : std::nullopt;
  return ok("agent",
            format("agent answers at {}{}",
                   url,
                   running && running->pid > 0
                     ? format(" (pid {})", running->pid)
                     : ""));
}

Check
check_cache(const agent::Config& config)
{
  std::error_code ec;
  fs::create_directories(config.cache_dir, ec);
  if (ec || access(config.cache_dir.c_str(), W_OK) != 0) {
    return bad(
      "cache",
      format("cache dir {} is not writable", config.cache_dir.string()),
      "fix its permissions or set cache_dir");
  }
  auto store = open_cache(config);
  if (!store) {
    return ok("cache",
              format("cache {}: empty (created at the agent's first start)",
                     config.cache_dir.string()));
  }
  auto totals =
    (*store)->with_index([](cache::Index& index) { return index.totals(); });
  return judge_cache_size(
    config.cache_dir.string(), totals ? totals->bytes : 0, config.max_size);
}

Check
check_libraries()
{
  agent::CurlUse curl;
  auto git = agent::git2_api();
  if (curl.status() && git) {
    return ok("libraries", "libraries: libcurl and libgit2 load");
  }
  return bad("libraries",
             format("libraries: {}",
                    !curl.status() ? curl.status().error().message
                                   : git.error().message),
             "install the package named; until then the agent serves only "
             "what its cache holds");
}

Checks
check_upstreams(const agent::Config& config)
{
  auto chain = agent::parse_proxy_list(config.upstream);
  if (!chain) {
    return {bad("upstream",
                format("upstream: {}", chain.error().message),
                "set upstream in GOPROXY syntax")};
  }
  // Short waits: a doctor that hangs on a dead upstream helps nobody.
  auto o = agent::http_client_options(config);
  o.connect_timeout = std::chrono::seconds(3);
  o.stall_timeout = std::chrono::seconds(5);
  agent::HttpClient up(o);
  Checks out;
  for (const auto& spec : *chain) {
    if (spec.kind != agent::ProxySpec::Kind::url) {
      continue;
    }
    if (config.offline) {
      out.push_back(
        ok("upstream",
           format("upstream {}: not checked (offline)", spec.redacted_url)));
      continue;
    }
    out.push_back(judge_upstream(
      spec.redacted_url,
      up.get(spec.url + "/sumdb/sum.golang.org/supported", 4096)));
  }
  return out;
}

Checks
check_git_remotes(const agent::Config& config)
{
  // The git remotes of private modules the agent has mirrored: do they
  // still answer, with the credentials the agent would use?
  Checks out;
  std::error_code ec;
  if (config.offline || !fs::is_directory(config.cache_dir / "git", ec)) {
    return out;
  }
  agent::GitSource git(agent::git_source_options(config));
  for (const auto& e : fs::directory_iterator(config.cache_dir / "git", ec)) {
    std::string name = e.path().filename().string();
    if (!e.is_directory(ec) || name.starts_with(".")) {
      continue;
    }
    std::replace(name.begin(), name.end(), '%', '/');
    auto root = gomod::unescape_path(name);
    if (!root) {
      continue;
    }
    auto answered = git.probe(*root);
    if (answered) {
      out.push_back(ok("git", format("git {}: {} answers", *root, *answered)));
    } else {
      out.push_back(bad("git",
                        format("git {}: {}", *root, answered.error().message),
                        "see the README's \"Private modules from git\" "
                        "(git_remotes, git_ssh_key, netrc, ca_file)"));
    }
  }
  return out;
}

int
count(const Checks& checks, Check::Level level)
{
  return static_cast<int>(
    std::count_if(checks.begin(), checks.end(), [&](const Check& c) {
      return c.level == level;
    }));
}

std::string
render_text(const Checks& checks)
{
  std::string out;
  for (const auto& c : checks) {
    switch (c.level) {
    case Check::Level::ok:
      out += "ok    " + c.message + "\n";
      break;
    case Check::Level::warn:
      out += "warn  " + c.message + "\n      fix: " + c.fix + "\n";
      break;
    case Check::Level::fail:
      out += "FAIL  " + c.message + "\n      fix: " + c.fix + "\n";
      break;
    }
  }
  out += format(
    "gpx doctor: {}, {}\n",
    cli::count(static_cast<std::uint64_t>(count(checks, Check::Level::fail)),
               "problem"),
    cli::count(static_cast<std::uint64_t>(count(checks, Check::Level::warn)),
               "warning"));
  return out;
}

nlohmann::json
render_json(const Checks& checks)
{
  auto list = nlohmann::json::array();
  for (const auto& c : checks) {
    list.push_back(
      {{"check", c.name},
       {"level",
        c.level == Check::Level::ok     ? "ok"
        : c.level == Check::Level::warn ? "warn"
                                        : "fail"},
       {"message", c.message},
       {"fix", c.fix.empty() ? nlohmann::json() : nlohmann::json(c.fix)}});
  }
  return {{"problems", count(checks, Check::Level::fail)},
          {"warnings", count(checks, Check::Level::warn)},
          {"checks", list}};
}

} // namespace gpx::cli
