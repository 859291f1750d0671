#pragma once

// The agent as a systemd user service with socket activation: the units
// from packaging/systemd, filled in with this binary and the listen
// address, in the user's unit directory; enabled with systemctl --user.

#include <gomod/result.hpp>

#include <filesystem>
#include <string>
#include <vector>

namespace gpx::cli {

// A user service manager answers (`systemctl --user show-environment`).
bool user_systemd_available();

// $XDG_CONFIG_HOME/systemd/user (or ~/.config/systemd/user).
Result<std::filesystem::path> user_unit_dir();

// Writes the units (unchanged ones are left alone), reloads systemd and
// enables and starts the socket. Returns the unit files it wrote.
Result<std::vector<std::filesystem::path>>
install_user_service(const std::string& listen);

// Disables and stops socket and service and removes the unit files.
Status remove_user_service();

} // namespace gpx::cli
