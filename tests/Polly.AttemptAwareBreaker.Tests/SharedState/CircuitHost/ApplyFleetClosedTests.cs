using Polly.AttemptAwareBreaker.Tests.TestUtilities;

namespace Polly.AttemptAwareBreaker.Tests.SharedState.CircuitHost;

/// <summary><see cref="SharedCircuitHost.ApplyFleetClosed"/>: another instance closed the circuit.</summary>
public class ApplyFleetClosedTests : SharedCircuitHostTestBase
{
    [Fact]
    public async Task ApplyFleetClosed_Open_ClosesWithoutPublishingBack()
    {
        var pipeline = Build(Options(consecutive: 1));
        await pipeline.RunAsync(Downstream.AlwaysFailing());

        Shared.Host.ApplyFleetClosed();

        Assert.Equal(CircuitState.Closed, Provider.CircuitState);
        Assert.Single(Shared.Published);
    }

    [Fact]
    public void ApplyFleetClosed_AlreadyClosed_RaisesNothing()
    {
        var closed = 0;
        var options = Options();
        options.OnClosed = _ =>
        {
            closed++;
            return default;
        };
        Build(options);

        Shared.Host.ApplyFleetClosed();

        Assert.Equal(0, closed);
    }

    [Fact]
    public async Task ApplyFleetClosed_Isolated_StaysIsolated()
    {
        var control = new AttemptAwareCircuitBreakerManualControl();
        var options = Options();
        options.ManualControl = control;
        Build(options);
        await control.IsolateAsync();

        Shared.Host.ApplyFleetClosed();

        Assert.Equal(CircuitState.Isolated, Provider.CircuitState);
    }

    [Fact]
    public async Task ApplyFleetClosed_Open_RaisesClosed()
    {
        var closed = 0;
        var options = Options(consecutive: 1);
        options.OnClosed = _ =>
        {
            closed++;
            return default;
        };
        var pipeline = Build(options);
        await pipeline.RunAsync(Downstream.AlwaysFailing());

        Shared.Host.ApplyFleetClosed();

        Assert.Equal(1, closed);
    }
}
