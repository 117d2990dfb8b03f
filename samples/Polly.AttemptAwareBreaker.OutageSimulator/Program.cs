// The outage simulator: replays outage scenarios in virtual time against real resilience pipelines (Polly's breaker in both
// orders, Microsoft's standard handler pipeline, this library's composed retry + breaker and HTTP handler) and prints what each one did.
//
//   dotnet run --project samples/Polly.AttemptAwareBreaker.OutageSimulator                 # table
//   dotnet run --project samples/Polly.AttemptAwareBreaker.OutageSimulator -- --json       # the same figures as JSON
//   dotnet run --project samples/Polly.AttemptAwareBreaker.OutageSimulator -- --chart outage.svg            # recovery chart
//   dotnet run --project samples/Polly.AttemptAwareBreaker.OutageSimulator -- --overload-chart overload.svg # overload chart
//   dotnet run --project samples/Polly.AttemptAwareBreaker.OutageSimulator -- --config appsettings.json --section Inventory:Resilience
//                                                   # adds a from-config row: your AddAttemptAwareResilienceHandler options
using Polly.AttemptAwareBreaker.OutageSimulator;

return SimulatorCommand.Run(args, SimulatorConsole.System, Configurations.All);
