#include <csignal>
#include <iostream>

#include "app/findings_output.hpp"
#include "app/run_proxy.hpp"
#include "config/command_line.hpp"
#include "config/config_loader.hpp"
#include "report/commands.hpp"

int main(int argc, char** argv) {
  using pgsleuth::config::Command;
  std::signal(SIGPIPE, SIG_IGN);
  pgsleuth::config::CommandLine cl;
  try {
    cl = pgsleuth::config::parse_command_line(argc, argv);
  } catch (const pgsleuth::config::UsageError& e) {
    std::cerr << "pgsleuth: " << e.what() << "\n";
    return 2;
  }
  switch (cl.command) {
    case Command::Help:
      std::cout << pgsleuth::config::help_text();
      return 0;
    case Command::Version:
      std::cout << "pgsleuth " << PGSLEUTH_VERSION << "\n";
      return 0;
    case Command::CheckConfig:
      if (std::string tls = pgsleuth::app::tls_config_error(cl.config); !tls.empty()) {
        std::cerr << "pgsleuth: " << tls << "\n";
        return 2;
      }
      if (std::string output = pgsleuth::app::findings_output_error(cl.config); !output.empty()) {
        std::cerr << "pgsleuth: " << output << "\n";
        return 2;
      }
      std::cout << "config OK: " << cl.config.config_path << "\n";
      return 0;
    case Command::Report:
      return pgsleuth::report::run_report(cl.args, std::cout, std::cerr);
    case Command::Check:
      return pgsleuth::report::run_check(cl.args, std::cout, std::cerr);
    case Command::Baseline:
      return pgsleuth::report::run_baseline(cl.args, std::cout, std::cerr);
    case Command::Run:
      return pgsleuth::app::run_proxy(cl);
  }
  return 2;
}
