// gpx completion bash|zsh|fish: the completion scripts; gpx man (hidden): the
// man page, which the build writes to gpx.1.

#include "completion.hpp"
#include "context.hpp"
#include "man_page.hpp"

#include <iostream>
#include <memory>

namespace gpx::cli {

void
register_completion(CLI::App& app, Context& ctx)
{
  auto shell = std::make_shared<std::string>();
  auto* completion = app.add_subcommand(
    "completion", "Print the shell completion script for bash, zsh or fish");
  completion->add_option("SHELL", *shell, "bash, zsh or fish")
    ->required()
    ->check(CLI::IsMember({"bash", "zsh", "fish"}));
  completion->footer(
    "Examples:\n"
    "  source <(gpx completion bash)                 in ~/.bashrc\n"
    "  gpx completion zsh > ~/.zfunc/_gpx            with ~/.zfunc on $fpath\n"
    "  gpx completion fish > ~/.config/fish/completions/gpx.fish\n"
    "\nThe .deb installs all three; these are for a gpx built by hand.");
  completion->callback([shell, &app, &ctx] {
    std::cout << (*shell == "bash"  ? bash_completion(app)
                  : *shell == "zsh" ? zsh_completion(app)
                                    : fish_completion(app));
    ctx.exit_code = 0;
  });

  auto* man = app.add_subcommand("man", "Print the man page (gpx.1)");
  man->group(""); // hidden: the build calls it, users read `man gpx`
  man->callback([&app, &ctx] {
    std::cout << man_page(app);
    ctx.exit_code = 0;
  });
}

} // namespace gpx::cli
