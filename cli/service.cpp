#include "service.hpp"

#include <agent/process.hpp>
#include <cache/atomic_file.hpp>
#include <gomod/format.hpp>

#include <cstdlib>
#include <gpx_unit_templates.hpp>

namespace fs = std::filesystem;

namespace gpx::cli {

namespace {

std::string
fill(std::string_view tmpl, const std::string& key, const std::string& value)
{
  std::string out(tmpl);
  for (auto at = out.find(key); at != std::string::npos;
       at = out.find(key, at + value.size())) {
    out.replace(at, key.size(), value);
  }
  return out;
}

Status
systemctl(const std::vector<std::string>& args)
{
  std::vector<std::string> argv{"systemctl", "--user"};
  argv.insert(argv.end(), args.begin(), args.end());
  auto r = agent::run_output(argv);
  return r ? Status{} : Status(r.error());
}

} // namespace

bool
user_systemd_available()
{
  auto r = agent::run_process({"systemctl", "--user", "show-environment"});
  return r && r->exit_code == 0;
}

Result<fs::path>
user_unit_dir()
{
  if (const char* xdg = std::getenv("XDG_CONFIG_HOME");
      xdg != nullptr && *xdg == '/') {
    return fs::path(xdg) / "systemd/user";
  }
  const char* home = std::getenv("HOME");
  if (home == nullptr || *home == '\0') {
    return Error::invalid("neither XDG_CONFIG_HOME nor HOME is set");
  }
  return fs::path(home) / ".config/systemd/user";
}

Result<std::vector<fs::path>>
install_user_service(const std::string& listen)
{
  auto dir = user_unit_dir();
  if (!dir) {
    return dir.error();
  }
  std::error_code ec;
  fs::create_directories(*dir, ec);
  if (ec) {
    return Error::io(
      format("cannot create {}: {}", dir->string(), ec.message()));
  }
  auto bin = agent::self_exe().string();
  const std::pair<const char*, std::string> units[] = {
    {"gpx-agent.socket",
     fill(packaging::k_systemd_socket, "@GPX_LISTEN@", listen)},
    {"gpx-agent.service", fill(packaging::k_systemd_service, "@GPX_BIN@", bin)},
  };
  std::vector<fs::path> written;
  for (const auto& [name, text] : units) {
    auto file = *dir / name;
    auto old = cache::read_small_file(file);
    if (!old || *old != text) {
      GPX_TRY(cache::write_file_atomic(file, text));
    }
    written.push_back(file);
  }
  GPX_TRY(systemctl({"daemon-reload"}));
  // A changed listen address needs the socket rebound: restart, not start.
  GPX_TRY(systemctl({"enable", "gpx-agent.socket"}));
  GPX_TRY(systemctl({"restart", "gpx-agent.socket"}));
  return written;
}

Status
remove_user_service()
{
  auto dir = user_unit_dir();
  if (!dir) {
    return dir.error();
  }
  GPX_TRY(
    systemctl({"disable", "--now", "gpx-agent.socket", "gpx-agent.service"}));
  std::error_code ec;
  fs::remove(*dir / "gpx-agent.socket", ec);
  fs::remove(*dir / "gpx-agent.service", ec);
  return systemctl({"daemon-reload"});
}

} // namespace gpx::cli
