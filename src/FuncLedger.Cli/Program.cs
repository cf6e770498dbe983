return await FuncLedger.Cli.FuncLedgerCli.RunAsync(args, Console.Out, Console.Error, Console.IsErrorRedirected is false);
