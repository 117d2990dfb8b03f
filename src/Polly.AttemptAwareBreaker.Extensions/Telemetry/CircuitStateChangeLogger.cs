using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly.CircuitBreaker;

namespace Polly.AttemptAwareBreaker.Telemetry;

/// <summary>
/// Logs every state change of the registry's breakers with the breaker's name, the old and new state and the reason; an opening of a
/// shared circuit by its own rules also logs whether it reached the fleet or stayed local, and how many instances were failing.
/// </summary>
internal sealed partial class CircuitStateChangeLogger : IDisposable
{
    private readonly AttemptAwareCircuitBreakerRegistry _registry;
    private readonly ILogger _logger;

    public CircuitStateChangeLogger(AttemptAwareCircuitBreakerRegistry registry, ILoggerFactory? loggerFactory = null)
    {
        _registry = registry;
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("Polly.AttemptAwareBreaker");
        _registry.StateChanged += OnStateChanged;
    }

    public void Dispose() => _registry.StateChanged -= OnStateChanged;

    [LoggerMessage(EventId = 1, EventName = "CircuitStateChanged", Message = "Circuit breaker '{BreakerName}' changed from {FromState} to {ToState}: {Reason}.")]
    private static partial void LogStateChange(ILogger logger, LogLevel level, string breakerName, CircuitState fromState, CircuitState toState, CircuitStateChangeReason reason);

    [LoggerMessage(EventId = 2, EventName = "ShadowCircuitStateChanged", Message = "Circuit breaker '{BreakerName}' (shadow) would change from {FromState} to {ToState}: {Reason}; it rejects nothing.")]
    private static partial void LogShadowStateChange(ILogger logger, LogLevel level, string breakerName, CircuitState fromState, CircuitState toState, CircuitStateChangeReason reason);

    [LoggerMessage(EventId = 3, EventName = "SharedCircuitOpened", Level = LogLevel.Warning,
        Message = "Circuit breaker '{BreakerName}' opened {Scope}: {FailingInstances} of {ActiveInstances} instances failing (quorum {MinimumFailingInstances}).")]
    private static partial void LogSharedOpening(
        ILogger logger, string breakerName, CircuitOpenScope scope, int failingInstances, int activeInstances, int minimumFailingInstances);

    private CircuitSnapshot? Snapshot(string name)
    {
        try
        {
            return _registry.GetSnapshot(name);
        }
        catch (KeyNotFoundException)
        {
            // Removed from the registry meanwhile.
            return null;
        }
    }

    private void OnStateChanged(object? sender, CircuitStateChange change)
    {
        var level = change.ToState is CircuitState.Open or CircuitState.Isolated ? LogLevel.Warning : LogLevel.Information;
        if (change.Enforcement == CircuitBreakerEnforcement.Shadow)
        {
            // A shadow breaker affects no caller: what it would do is worth reading, not an alarm.
            LogShadowStateChange(_logger, LogLevel.Information, change.BreakerName, change.FromState, change.ToState, change.Reason);
            return;
        }

        LogStateChange(_logger, level, change.BreakerName, change.FromState, change.ToState, change.Reason);
        if (change.ToState == CircuitState.Open && change.Reason != CircuitStateChangeReason.SharedState && _logger.IsEnabled(LogLevel.Warning)
            && Snapshot(change.BreakerName) is { FleetQuorum: { } quorum } snapshot)
        {
            LogSharedOpening(_logger, change.BreakerName, snapshot.OpenScope, quorum.FailingInstances, quorum.ActiveInstances, quorum.MinimumFailingInstances);
        }
    }
}
