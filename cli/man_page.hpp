#pragma once

// The man page (gpx.1), generated from the command tree, so that it cannot
// drift from what gpx accepts; `gpx man` prints it and the build installs it.

#include <CLI/CLI.hpp>

#include <string>
#include <string_view>

namespace gpx::cli {

// gpx.1 in man(7) macros.
std::string man_page(const CLI::App& root);

// Text for a man(7) line: backslashes and dashes escaped, characters past
// ASCII as groff's \[uXXXX], and no line that starts with a control
// character.
std::string roff(std::string_view text);

} // namespace gpx::cli
