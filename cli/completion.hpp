#pragma once

// Shell completions generated from the command tree itself, so that they
// cannot drift from what gpx accepts.

#include <CLI/CLI.hpp>

#include <string>

namespace gpx::cli {

// What a flag's or argument's value is, for completing it.
enum class ValueKind {
  none, // a word only the user knows (an address, a size …)
  file,
  dir,
};
ValueKind value_kind(const CLI::Option& option);

// A bash script: `source <(gpx completion bash)`, or the .deb's copy.
std::string bash_completion(const CLI::App& root);
// A zsh completion function file (_gpx) for a directory on $fpath.
std::string zsh_completion(const CLI::App& root);
// A fish script for a directory fish reads completions from
// (vendor_completions.d, ~/.config/fish/completions).
std::string fish_completion(const CLI::App& root);
} // namespace gpx::cli
