using Microsoft.Extensions.Diagnostics.HealthChecks;
using Polly.CircuitBreaker;

namespace Polly.AttemptAwareBreaker.HealthChecks;

/// <summary>
/// Reports the worst state among the registered circuits: healthy while all are closed, otherwise the status configured for open,
/// half-open or isolated circuits. The data holds each breaker's state, attempts, rejections and time left in its break. A breaker in
/// shadow mode rejects nothing, so its state never lowers the status; its data says what it would do.
/// </summary>
internal sealed class AttemptAwareCircuitBreakerHealthCheck(AttemptAwareCircuitBreakerRegistry registry, AttemptAwareCircuitBreakerHealthCheckOptions options) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var status = HealthStatus.Healthy;
        var data = new Dictionary<string, object>(StringComparer.Ordinal);
        var notClosed = new List<string>();
        foreach (var breaker in registry.GetBreakers())
        {
            if (options.Filter is { } filter && !filter(breaker.Name))
            {
                continue;
            }

            var snapshot = breaker.Snapshot;
            data[breaker.Name] = new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["state"] = snapshot.State.ToString(),
                ["enforcement"] = snapshot.Enforcement.ToString(),
                ["windowAttempts"] = snapshot.WindowAttempts.Total,
                ["windowFailures"] = snapshot.WindowAttempts.Failures,
                ["windowRejections"] = snapshot.WindowRejections,
                ["retryAfter"] = snapshot.RetryAfter?.ToString(),
                ["lastStateChange"] = snapshot.LastStateChange?.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
            };

            var breakerStatus = snapshot.Enforcement == CircuitBreakerEnforcement.Shadow ? HealthStatus.Healthy : snapshot.State switch
            {
                CircuitState.Open => options.OpenStatus,
                CircuitState.HalfOpen => options.HalfOpenStatus,
                CircuitState.Isolated => options.IsolatedStatus,
                _ => HealthStatus.Healthy,
            };
            if (breakerStatus != HealthStatus.Healthy)
            {
                notClosed.Add($"{breaker.Name} is {snapshot.State}");
            }
            else if (snapshot.State != CircuitState.Closed)
            {
                notClosed.Add($"{breaker.Name} (shadow) would be {snapshot.State}");
            }

            status = breakerStatus < status ? breakerStatus : status;
        }

        var description = notClosed.Count == 0 ? $"{data.Count} circuit(s), all closed." : string.Join("; ", notClosed) + ".";
        return Task.FromResult(new HealthCheckResult(status, description, data: data));
    }
}
