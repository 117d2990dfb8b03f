using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http;
using Microsoft.Extensions.Options;

namespace Polly.AttemptAwareBreaker.Http;

/// <summary>
/// Runs the check of stacked handlers at start-up (through <c>ValidateOnStart</c>, as the handler's options are validated): it builds
/// the handler chain of every client that could hold two attempt-aware handlers, so that <see cref="StackedHandlersFilter"/> refuses the
/// host's start rather than the client's first request.
/// </summary>
internal sealed class StackedHandlersStartupCheck
{
    /// <summary>Builds the handler chains; the filter throws, with how to fix it, when one holds two attempt-aware handlers.</summary>
    internal sealed class Validator(AttemptAwareHandlerRegistrations registrations, IServiceProvider services) : IValidateOptions<StackedHandlersStartupCheck>
    {
        public ValidateOptionsResult Validate(string? name, StackedHandlersStartupCheck options)
        {
            var clients = registrations.ClientsThatMayStack();
            if (clients.Count > 0)
            {
                var factory = services.GetRequiredService<IHttpMessageHandlerFactory>();
                foreach (var client in clients)
                {
                    // The factory keeps the chain for the client's first requests, as it would have built it then.
                    _ = factory.CreateHandler(client);
                }
            }

            return ValidateOptionsResult.Success;
        }
    }
}
