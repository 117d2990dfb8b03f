namespace Polly.AttemptAwareBreaker.Tests.Gate;

/// <summary>
/// The context the gate hands to callbacks: the caller's own, left to the caller, or one borrowed from the pool and given back
/// (a returned context is reset, so a property set on it is gone).
/// </summary>
public class GateContextTests
{
    private static readonly ResiliencePropertyKey<string> Mark = new("gate-context-mark");

    private readonly FakeTimeProvider _time = new();

    [Fact]
    public async Task ReportAsync_RequestedBreakGeneratorWithCallersContext_GetsTheCallersContext()
    {
        ResilienceContext? seen = null;
        using var gate = Gate(new() { RequestedBreakGenerator = args => { seen = args.Context; return new((TimeSpan?)null); } });
        var context = ResilienceContextPool.Shared.Get(TestContext.Current.CancellationToken);

        await (await gate.TryAcquireAsync(context)).ReportAsync(OutcomeClass.Success);

        Assert.Same(context, seen);
    }

    [Fact]
    public async Task ReportAsync_RequestedBreakGeneratorWithCallersContext_LeavesTheContextToTheCaller()
    {
        using var gate = Gate(new() { RequestedBreakGenerator = _ => new((TimeSpan?)null) });
        var context = ResilienceContextPool.Shared.Get(TestContext.Current.CancellationToken);
        context.Properties.Set(Mark, "mine");

        await (await gate.TryAcquireAsync(context)).ReportAsync(OutcomeClass.Success);

        Assert.Equal("mine", context.Properties.GetValue(Mark, "returned to the pool"));
    }

    [Fact]
    public async Task ReportAsync_RequestedBreakGeneratorWithoutContext_ReturnsTheBorrowedContextToThePool()
    {
        ResilienceContext? borrowed = null;
        using var gate = Gate(new()
        {
            RequestedBreakGenerator = args =>
            {
                borrowed = args.Context;
                args.Context.Properties.Set(Mark, "set by the generator");
                return new((TimeSpan?)null);
            },
        });

        await (await gate.TryAcquireAsync()).ReportAsync(OutcomeClass.Success);

        Assert.NotNull(borrowed);
        Assert.Equal("returned to the pool", borrowed.Properties.GetValue(Mark, "returned to the pool"));
    }

    [Fact]
    public async Task ReportAsync_OpensWithoutContext_ReturnsTheContextOfOnOpenedToThePool()
    {
        ResilienceContext? borrowed = null;
        using var gate = Gate(new()
        {
            ConsecutiveFailureThreshold = 1,
            MinimumThroughput = int.MaxValue,
            OnOpened = args =>
            {
                borrowed = args.Context;
                args.Context.Properties.Set(Mark, "set by OnOpened");
                return default;
            },
        });

        await (await gate.TryAcquireAsync()).ReportAsync(OutcomeClass.TransientFailure);

        Assert.NotNull(borrowed);
        Assert.Equal("returned to the pool", borrowed.Properties.GetValue(Mark, "returned to the pool"));
    }

    private AttemptAwareCircuitBreakerGate Gate(AttemptAwareCircuitBreakerStrategyOptions options) => new(options, _time);
}
