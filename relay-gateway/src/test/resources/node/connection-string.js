'use strict';
// An Azure Relay connection string (Endpoint=sb://<host>/;SharedAccessKeyName=..;SharedAccessKey=..;EntityPath=..)
// as its parts, so that the scripts can be given only what an application is given. hyco-ws's own URL helpers then
// add port 443, as they do for the real service.
module.exports = function parseConnectionString(text) {
  const fields = {};
  for (const part of text.split(';')) {
    const i = part.indexOf('=');
    if (i > 0) {
      fields[part.slice(0, i).trim().toLowerCase()] = part.slice(i + 1).trim();
    }
  }
  if (!fields.endpoint || !fields.entitypath) {
    throw new Error('connection string without Endpoint or EntityPath: ' + text);
  }
  return {
    host: new URL(fields.endpoint.replace(/^sb:/, 'https:')).hostname,
    path: fields.entitypath,
    keyName: fields.sharedaccesskeyname,
    key: fields.sharedaccesskey
  };
};
