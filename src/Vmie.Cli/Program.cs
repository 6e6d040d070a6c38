using System.CommandLine;
using Vmie.Cli.Commands;

var root = new RootCommand("vmie: AWS-compatible VM Import/Export on your own machine.")
{
    ServeCommand.Create(),
    InfoCommand.Create(),
    ConvertCommand.Create(),
    CheckCommand.Create(),
};

return await root.Parse(args).InvokeAsync().ConfigureAwait(false);
