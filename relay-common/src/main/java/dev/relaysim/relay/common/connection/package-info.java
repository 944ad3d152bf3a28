/**
 * How clients find and authenticate to a relay: Azure Relay connection strings
 * ({@code Endpoint=sb://..;SharedAccessKeyName=..;SharedAccessKey=..;EntityPath=..}) as the .NET and Java SDKs
 * read them ({@link dev.relaysim.relay.common.connection.ConnectionString}), and the development defaults the
 * relaysim tools share ({@link dev.relaysim.relay.common.connection.DevDefaults}).
 */
package dev.relaysim.relay.common.connection;
