using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly.CircuitBreaker;

namespace Polly.AttemptAwareBreaker.Telemetry;

/// <summary>
/// Logs every state change of the registry's breakers with the breaker's name, the old and new state and the reason.
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
    }
}
