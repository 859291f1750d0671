#include "go_env.hpp"

#include <agent/process.hpp>
#include <cache/atomic_file.hpp>
#include <gomod/format.hpp>

#include <vector>

namespace gpx::cli {

namespace {

Result<std::string>
run_go(const std::vector<std::string>& argv,
       const std::vector<std::string>& env = {})
{
  auto r = agent::run_output(argv, env);
  if (!r && r.error().message.starts_with("cannot run")) {
    return Error::io(
      format("{} (is Go installed and on PATH?)", r.error().message));
  }
  return r;
}

} // namespace

Result<std::vector<std::string>>
go_env_values(const std::vector<std::string>& names,
              const std::vector<std::string>& env)
{
  std::vector<std::string> argv{"go", "env"};
  argv.insert(argv.end(), names.begin(), names.end());
  auto out = run_go(argv, env);
  if (!out) {
    return out.error();
  }
  std::vector<std::string> values;
  std::string_view rest = *out;
  while (!rest.empty()) {
    auto nl = rest.find('\n');
    values.emplace_back(rest.substr(0, nl));
    rest =
      nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
  }
  if (values.size() != names.size()) {
    return Error::io(format(
      "go env printed {} lines for {} names", values.size(), names.size()));
  }
  return values;
}

Result<GoEnvFile>
read_go_env_file()
{
  auto values = go_env_values({"GOENV"});
  if (!values) {
    return values.error();
  }
  auto path = values->front();
  if (path.empty() || path == "off") {
    return Error::invalid(
      "GOENV is off: the go command keeps no settings file to change");
  }
  GoEnvFile f{path, {}};
  std::error_code ec;
  if (!std::filesystem::exists(f.path, ec)) {
    return f;
  }
  auto data = cache::read_small_file(f.path);
  if (!data) {
    return data.error();
  }
  // cfg.readEnvFile: KEY=VALUE lines whose first byte is A-Z; the last
  // copy of a key wins; anything else is ignored.
  std::string_view rest = *data;
  while (!rest.empty()) {
    auto nl = rest.find('\n');
    auto line = rest.substr(0, nl);
    rest =
      nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
    auto eq = line.find('=');
    if (eq == std::string_view::npos || line.empty() || line[0] < 'A'
        || line[0] > 'Z') {
      continue;
    }
    f.values[std::string(line.substr(0, eq))] =
      std::string(line.substr(eq + 1));
  }
  return f;
}

Status
write_go_env(const std::map<std::string, std::optional<std::string>>& changes)
{
  std::vector<std::string> set{"go", "env", "-w"};
  std::vector<std::string> unset{"go", "env", "-u"};
  for (const auto& [key, value] : changes) {
    if (value) {
      set.push_back(key + "=" + *value);
    } else {
      unset.push_back(key);
    }
  }
  if (set.size() > 3) {
    if (auto r = run_go(set); !r) {
      return r.error();
    }
  }
  if (unset.size() > 3) {
    if (auto r = run_go(unset); !r) {
      return r.error();
    }
  }
  return {};
}

} // namespace gpx::cli
